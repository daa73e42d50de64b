package haven.config;

import java.util.Optional;

/**
 * IPv4 literals as the config file allows them: four dotted decimal numbers 0..255 without leading zeros
 * (inet_aton reads "010" as octal 8, so a leading zero would mean different things to different tools).
 */
final class Ipv4 {
    static final String ADDRESS_SYNTAX = "write four numbers 0..255 separated by dots, e.g. 10.0.0.1";
    static final String CIDR_SYNTAX = "write an address, '/', and a prefix length 1..32, e.g. 10.0.0.100/24";

    private Ipv4() {}

    /** Why {@code text} is not an IPv4 literal, or empty when it is one. */
    static Optional<String> addressError(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.of("is not an IPv4 address");
        }
        for (String p : parts) {
            if (!p.matches("\\d{1,3}")) {
                return Optional.of("is not an IPv4 address");
            }
            if (p.length() > 1 && p.startsWith("0")) {
                return Optional.of("has a number with a leading zero, which some tools read as octal");
            }
            if (Integer.parseInt(p) > 255) {
                return Optional.of("has a number above 255");
            }
        }
        return Optional.empty();
    }

    /** Like {@link #addressError}, and also rejects addresses a daemon cannot bind to as its own. */
    static Optional<String> hostAddressError(String text) {
        Optional<String> error = addressError(text);
        if (error.isPresent()) {
            return error;
        }
        int first = Integer.parseInt(text.substring(0, text.indexOf('.')));
        if (first == 0) {
            return Optional.of("is in 0.0.0.0/8, which names no host (0.0.0.0 means 'any address')");
        }
        if (first >= 224) {
            return Optional.of("is a multicast, reserved or broadcast address, not a host's address");
        }
        return Optional.empty();
    }

    /** Why {@code text} is not "a.b.c.d/len" with len 1..32, or empty when it is. */
    static Optional<String> cidrError(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return Optional.of("has no prefix length");
        }
        Optional<String> address = hostAddressError(text.substring(0, slash));
        if (address.isPresent()) {
            return address;
        }
        String len = text.substring(slash + 1);
        if (!len.matches("[1-9]\\d?") || Integer.parseInt(len) > 32) {
            return Optional.of("has prefix length '" + len + "'; it must be 1..32");
        }
        return Optional.empty();
    }

    /** The address part of a CIDR written "a.b.c.d/len". */
    static String addressOf(String cidr) {
        int slash = cidr.indexOf('/');
        return slash < 0 ? cidr : cidr.substring(0, slash);
    }
}
