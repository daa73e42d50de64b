package haven.executor.agents;

import haven.process.OutputTail;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where one launch of a supervised process writes its stdout and stderr: appended to a log file, or
 * copied line by line to the daemon's stdout with a {@code [resource]} prefix. Either way the last lines
 * stay at hand to explain a failed start. Bounded: lines longer than {@link #LINE_LIMIT_BYTES} are cut,
 * and at most {@link #TAIL_LIMIT_BYTES} are kept or read back.
 */
final class ProcessOutput {
    static final int LINE_LIMIT_BYTES = 4096;
    static final int TAIL_LIMIT_BYTES = 16 * 1024;

    private final Path logFile;
    private final String prefix;
    private final OutputTail tail = new OutputTail(TAIL_LIMIT_BYTES);
    private long logOffset;
    private volatile Thread copier;

    private ProcessOutput(Path logFile, String prefix) {
        this.logFile = logFile;
        this.prefix = prefix;
    }

    static ProcessOutput toLogFile(Path file) {
        return new ProcessOutput(file, null);
    }

    static ProcessOutput toStdout(String resource) {
        return new ProcessOutput(null, "[" + resource + "] ");
    }

    /** Sets the builder's redirections; call before starting the process. */
    void configure(ProcessBuilder builder) throws IOException {
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.redirectErrorStream(true);
        if (logFile != null) {
            logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        } else {
            builder.redirectOutput(ProcessBuilder.Redirect.PIPE);
        }
    }

    /** Starts copying the process's output to the daemon's stdout (when not to a log file). */
    void attach(Process process) {
        if (logFile != null) return;
        copier = Thread.ofVirtual().name("output" + prefix.strip()).start(() -> copyLines(process.getInputStream(), System.out));
    }

    /**
     * Waits (bounded) until everything the process wrote has been read, so that a failure message quotes
     * its last words. A child that keeps the pipe open after the leader died costs at most {@code limit}.
     */
    void awaitDrained(Duration limit) {
        Thread t = copier;
        if (t == null) return;
        try {
            t.join(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void copyLines(InputStream in, PrintStream out) {
        byte[] line = new byte[LINE_LIMIT_BYTES];
        int len = 0;
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                tail.write(buf, 0, n);
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        emit(out, line, len);
                        len = 0;
                    } else if (len < line.length) {
                        line[len++] = buf[i];
                    }
                }
            }
        } catch (IOException e) {
            // Pipe closed: the process is gone.
        }
        if (len > 0) emit(out, line, len);
    }

    private void emit(PrintStream out, byte[] line, int len) {
        out.println(prefix + new String(line, 0, len, StandardCharsets.UTF_8));
    }

    /** The last {@code n} lines this launch wrote. */
    String lastLines(int n) {
        if (logFile == null) return tail.lastLines(n);
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long from = Math.max(logOffset, f.length() - TAIL_LIMIT_BYTES);
            byte[] bytes = new byte[(int) Math.max(0, f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            return OutputTail.lastLinesOf(new String(bytes, StandardCharsets.UTF_8), n);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }
}
