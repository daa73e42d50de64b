package haven.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The few fields of /proc/PID/stat we need. The command name (field 2) may hold spaces and parentheses,
 * so fields are counted from the last ')'.
 */
record ProcStat(long pid, char state, long ppid, long pgrp, long startTicks) {
    /** Linux reports start times in USER_HZ ticks, 100 a second on every architecture it supports. */
    static final long TICKS_PER_SECOND = 100;

    boolean zombie() {
        return state == 'Z' || state == 'X';
    }

    /** Null when the process does not exist (or vanished while we read). */
    static ProcStat read(long pid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return null;
        }
        int close = text.lastIndexOf(')');
        if (close < 0) return null;
        String[] f = text.substring(close + 2).split(" ");
        if (f.length < 20) return null;
        return new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[19]));
    }
}
