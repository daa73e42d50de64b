package haven.guard;

import haven.core.ResourceId;
import haven.core.ForceOff;
import java.util.Arrays;
import java.util.List;

/**
 * One line on the pipe from a daemon to its guard. Text, so that a guard's log and a hand-driven guard
 * (`printf 'arm vip address:10.0.0.5/24\n' | haven guard ...`) read the same words.
 */
public sealed interface GuardMessage {
    /** Resource {@code resource} may be active; these steps end it (none known yet: "-"). */
    record Arm(ResourceId resource, List<ForceOff> steps) implements GuardMessage {
        @Override
        public String line() {
            return "arm " + resource.name() + " " + ForceOff.encodeAll(steps);
        }
    }

    record Disarm(ResourceId resource) implements GuardMessage {
        @Override
        public String line() {
            return "disarm " + resource.name();
        }
    }

    /** Force off everything armed at {@code atMs} (monotonic milliseconds) unless a later deadline comes. */
    record Deadline(long atMs) implements GuardMessage {
        @Override
        public String line() {
            return "deadline " + atMs;
        }
    }

    /** The daemon's loop is alive (it also says so with every other message). */
    record Alive() implements GuardMessage {
        @Override
        public String line() {
            return "alive";
        }
    }

    /**
     * The daemon is stopping its resources politely and will not pet any more: no hang check from now on,
     * and force off what is still armed at {@code atMs}.
     */
    record Shutdown(long atMs) implements GuardMessage {
        @Override
        public String line() {
            return "shutdown " + atMs;
        }
    }

    /** Orderly end: force off whatever is still armed (a stop that failed), then exit. */
    record Bye() implements GuardMessage {
        @Override
        public String line() {
            return "bye";
        }
    }

    String line();

    /** IllegalArgumentException naming what is wrong with the line. */
    static GuardMessage parse(String line) {
        List<String> w = Arrays.asList(line.trim().split("\\s+"));
        String verb = w.get(0);
        try {
            return switch (verb) {
                case "arm" -> {
                    need(w, 3, "arm RESOURCE STEP... (STEP: address:A/LEN, group:PGID, recorded:FILE, marked:MARKER, unmount:DIR or -)");
                    yield new Arm(ResourceId.of(w.get(1)), ForceOff.decodeAll(w.subList(2, w.size())));
                }
                case "disarm" -> {
                    need(w, 2, "disarm RESOURCE");
                    yield new Disarm(ResourceId.of(w.get(1)));
                }
                case "deadline" -> {
                    need(w, 2, "deadline MONOTONIC_MS");
                    yield new Deadline(Long.parseLong(w.get(1)));
                }
                case "shutdown" -> {
                    need(w, 2, "shutdown MONOTONIC_MS");
                    yield new Shutdown(Long.parseLong(w.get(1)));
                }
                case "alive" -> new Alive();
                case "bye" -> new Bye();
                default -> throw new IllegalArgumentException("unknown verb '" + verb + "' (arm, disarm, deadline, alive, shutdown, bye)");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + line + "': the time must be a whole number of milliseconds");
        }
    }

    private static void need(List<String> words, int atLeast, String usage) {
        if (words.size() < atLeast) throw new IllegalArgumentException("'" + String.join(" ", words) + "': expected " + usage);
    }
}
