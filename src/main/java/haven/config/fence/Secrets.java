package haven.config.fence;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps fence device passwords out of messages, logs and status output. A parameter is secret when its name
 * contains "passw" (password, passwd, snmp_priv_passwd, ...); its value is replaced wherever it appears,
 * because agents sometimes echo their arguments in error messages.
 */
public final class Secrets {
    public static final String MASK = "******";
    /** Shorter values are not searched for in free text: masking every "ab" would garble the message. */
    private static final int MIN_SEARCHED_LENGTH = 3;

    private final List<String> values;

    private Secrets(List<String> values) {
        this.values = values;
    }

    public static boolean isSecret(String parameter) {
        return parameter.toLowerCase(Locale.ROOT).contains("passw");
    }

    /** The secret values among {@code params}, longest first so that overlapping ones are masked whole. */
    public static Secrets of(Map<String, String> params) {
        return new Secrets(params.entrySet().stream()
                .filter(e -> isSecret(e.getKey()) && e.getValue().length() >= MIN_SEARCHED_LENGTH)
                .map(Map.Entry::getValue)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList());
    }

    public String mask(String text) {
        String out = text;
        for (String v : values) out = out.replace(v, MASK);
        return out;
    }

    /** {@code key=value} for display: the value masked when the key is secret. */
    public static String show(String key, String value) {
        return key + "=" + (isSecret(key) ? MASK : value);
    }
}
