package haven.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A client in the lab's client namespace that uploads numbered 4 KB records (ReplicatedFiles.record) one after
 * the other with curl, moving to the next only when the current one was answered 201, and notes each acknowledged
 * record with the wall-clock millisecond it was acknowledged: what a user's uploader would have been told.
 */
public final class UploadWriter implements AutoCloseable {
    private static final String SCRIPT = """
            set -u
            dir=$1; vip=$2; port=$3; i=1
            while [ ! -e "$dir/stop" ]; do
              line=$(printf 'record %08d' "$i"); body=
              for k in $(seq 256); do body+="$line"$'\\n'; done
              printf '%s' "$body" > "$dir/body"
              code=$(curl -s -o /dev/null -w '%{http_code}' -m 0.5 --connect-timeout 0.3 -X PUT --data-binary @"$dir/body" "http://$vip:$port/record-$i")
              if [ "$code" = 201 ]; then echo "$i $(date +%s%3N)" >> "$dir/acked"; i=$((i+1)); else sleep 0.02; fi
            done
            """;

    private final Path dir;
    private final long pid;

    private UploadWriter(Path dir, long pid) {
        this.dir = dir;
        this.pid = pid;
    }

    public static UploadWriter start(LabLayout layout, Path dir, String address, int port) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("stop"));
        Files.writeString(dir.resolve("acked"), "");
        Files.writeString(dir.resolve("writer.sh"), SCRIPT);
        long pid = Detached.start(layout.clientNamespace(), List.of("bash", dir.resolve("writer.sh").toString(), dir.toString(), address,
                Integer.toString(port)), dir.resolve("writer.log"), Map.of());
        return new UploadWriter(dir, pid);
    }

    /** Acknowledged records and when (wall-clock ms), in order. */
    public Map<Long, Long> acked() throws IOException {
        Map<Long, Long> out = new TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve("acked"))) {
            String[] f = line.trim().split(" ");
            if (f.length == 2) out.put(Long.parseLong(f[0]), Long.parseLong(f[1]));
        }
        return out;
    }

    public void awaitAcked(long count, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        while (acked().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the writer had " + acked().size() + " uploads acknowledged, not " + count + ", within "
                        + within.toSeconds() + " s; its log: " + Files.readString(dir.resolve("writer.log")));
            }
            Pids.sleep(50);
        }
    }

    /** The gap between the last acknowledgement before {@code wallMs} and the first after it. */
    public long outageAround(long wallMs) throws IOException {
        long before = Long.MIN_VALUE, after = Long.MAX_VALUE;
        for (long at : acked().values()) {
            if (at <= wallMs) before = Math.max(before, at);
            else after = Math.min(after, at);
        }
        return before == Long.MIN_VALUE || after == Long.MAX_VALUE ? -1 : after - before;
    }

    public void stop() throws IOException {
        Files.writeString(dir.resolve("stop"), "");
        ProcessHandle.of(pid).ifPresent(p -> {
            try {
                p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
    }

    @Override
    public void close() {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
}
