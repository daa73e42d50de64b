package haven.config;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A daily window of time, such as {@code 02:00-04:00} (start included, end excluded); one whose end comes before its
 * start runs over midnight ({@code 23:00-01:00}). Read in the zone of {@code policy.time_zone}, the same on every
 * node, so every coordinator makes the same plan at the same instant.
 */
public record TimeWindow(LocalTime start, LocalTime end) {
    static final String SYNTAX = "write HH:MM-HH:MM (seconds allowed: HH:MM:SS), e.g. failback: 02:00-04:00";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("H:mm[:ss]");

    public TimeWindow {
        if (start.equals(end)) throw new IllegalArgumentException("a window from " + start + " to " + start + " is empty");
    }

    /** The window written as {@code text}, or a sentence saying what is wrong with it. */
    static Result parse(String text) {
        String[] parts = text.strip().split("\\s*-\\s*");
        if (parts.length != 2) return new Result(Optional.empty(), "'" + text + "' is not two times joined by '-'");
        try {
            LocalTime from = LocalTime.parse(parts[0], CLOCK);
            LocalTime to = LocalTime.parse(parts[1], CLOCK);
            if (from.equals(to)) return new Result(Optional.empty(), "'" + text + "' starts where it ends, so it is empty");
            return new Result(Optional.of(new TimeWindow(from, to)), "");
        } catch (DateTimeParseException e) {
            return new Result(Optional.empty(), "'" + text + "' is not a time of day range");
        }
    }

    record Result(Optional<TimeWindow> window, String error) {}

    public boolean contains(long epochMs, ZoneId zone) {
        LocalTime t = LocalTime.ofInstant(Instant.ofEpochMilli(epochMs), zone);
        if (start.isBefore(end)) return !t.isBefore(start) && t.isBefore(end);
        return !t.isBefore(start) || t.isBefore(end);
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
