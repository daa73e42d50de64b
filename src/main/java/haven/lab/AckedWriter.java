package haven.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A client in the lab's client namespace that writes numbered records one after the other, moving to the next only
 * when the current one was acknowledged, and notes each acknowledged record with the wall-clock millisecond it was
 * acknowledged: what a user's client would have been told. Two kinds: 4 KB uploads with curl (ReplicatedFiles.record,
 * acknowledged by a 201) and rows inserted with psql (acknowledged by a commit).
 */
public final class AckedWriter implements AutoCloseable {
    private static final String UPLOADS = """
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
    /**
     * A failed insert may have committed with its answer lost: before trying row i again the writer looks for it, so a
     * second copy in the table is the cluster's doing, never the writer's.
     */
    private static final String ROWS = """
            set -u
            dir=$1; vip=$2; port=$3; i=1
            q() { PGCONNECT_TIMEOUT=1 timeout 5 psql -XAtq -h "$vip" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -c "$1" 2>>"$dir/errors"; }
            while [ ! -e "$dir/stop" ]; do
              if q "insert into rows values ($i)"; then echo "$i $(date +%s%3N)" >> "$dir/acked"; i=$((i+1)); continue; fi
              sleep 0.05
              n=$(q "select count(*) from rows where i = $i") || continue
              if [ "$n" != 0 ]; then i=$((i+1)); fi
            done
            """;

    private final Path dir;
    private final long pid;

    private AckedWriter(Path dir, long pid) {
        this.dir = dir;
        this.pid = pid;
    }

    /** Uploads to the upload service at {@code address:port}. */
    public static AckedWriter uploads(LabLayout layout, Path dir, String address, int port) throws IOException {
        return start(layout, dir, UPLOADS, address, port);
    }

    /** Inserts into table {@code rows (i bigint)} of the server at {@code address:port} as user postgres. */
    public static AckedWriter rows(LabLayout layout, Path dir, String address, int port) throws IOException {
        return start(layout, dir, ROWS, address, port);
    }

    private static AckedWriter start(LabLayout layout, Path dir, String script, String address, int port) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("stop"));
        Files.writeString(dir.resolve("acked"), "");
        Files.writeString(dir.resolve("writer.sh"), script);
        long pid = Detached.start(layout.clientNamespace(), List.of("bash", dir.resolve("writer.sh").toString(), dir.toString(), address,
                Integer.toString(port)), dir.resolve("writer.log"), Map.of());
        return new AckedWriter(dir, pid);
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
