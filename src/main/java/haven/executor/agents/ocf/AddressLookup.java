package haven.executor.agents.ocf;

import haven.process.ProcessRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prefix length with which an address is assigned here. IPaddr2 without cidr_netmask takes the
 * length of the route that holds the address; asking the kernel afterwards gives exactly what it chose,
 * which is what {@code ip addr del} and the guard need.
 */
final class AddressLookup {
    private static final ProcessRunner RUNNER = new ProcessRunner();

    private AddressLookup() {}

    static Optional<String> prefixLength(List<String> prefix, String ip, Duration timeout) {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of("ip", "-o", "-4", "addr", "show"));
        ProcessRunner.Result r = RUNNER.run(argv, timeout);
        return r.ok() ? prefixLengthIn(r.output(), ip) : Optional.empty();
    }

    static Optional<String> prefixLengthIn(String ipOutput, String ip) {
        Matcher m = Pattern.compile("\\sinet " + Pattern.quote(ip) + "/(\\d{1,2})\\s").matcher(ipOutput);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
