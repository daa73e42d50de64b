package haven.replication;

import haven.core.MountTable;
import haven.process.ProcessGroup;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * haven-rdir mounted over a directory, and the socket it sends its records on: started, watched and taken down.
 * A layer whose process died (with its daemon, or killed by the guard) leaves a mount that answers only errors,
 * which the next start on the node takes away first ({@link #unmountStale}).
 */
final class FuseLayer implements AutoCloseable {
    private static final Duration MOUNT_LIMIT = Duration.ofSeconds(5);

    private final Path directory;
    private final Path socketPath;
    private final ServerSocketChannel listener;
    private ProcessGroup process;
    private SocketChannel records;

    private FuseLayer(Path directory, Path socketPath) throws IOException {
        this.directory = directory;
        this.socketPath = socketPath;
        Files.createDirectories(socketPath.getParent());
        Files.deleteIfExists(socketPath);
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socketPath));
    }

    /**
     * Starts {@code program} over {@code directory} and waits until it connected and the mount is up; IOException,
     * with nothing left running or mounted, when it does not within 5 s. {@code syncWaitMs}: how long the layer lets
     * a sync wait for confirmations before it refuses every change for good.
     */
    static FuseLayer mount(Path program, Path directory, Path socketPath, PrimaryStream.Mode mode, long syncWaitMs, Path log)
            throws IOException {
        FuseLayer layer = new FuseLayer(directory, socketPath);
        try {
            layer.start(program, mode, syncWaitMs, log);
            return layer;
        } catch (IOException | RuntimeException e) {
            layer.close();
            throw e;
        }
    }

    private void start(Path program, PrimaryStream.Mode mode, long syncWaitMs, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(program.toString(), directory.toString(), socketPath.toString(),
                mode == PrimaryStream.Mode.SYNC ? "sync" : "async", Long.toString(syncWaitMs))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = ProcessGroup.start(pb);
        listener.configureBlocking(false);
        long deadline = System.nanoTime() + MOUNT_LIMIT.toNanos();
        while (records == null || !mounted(directory)) {
            if (records == null) records = listener.accept();
            if (!process.process().isAlive()) {
                throw new IOException("haven-rdir ended with status " + process.process().exitValue() + " before the mount was up; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("haven-rdir did not mount " + directory + " within " + MOUNT_LIMIT.toSeconds() + " s; see " + log);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while mounting " + directory);
            }
        }
        records.configureBlocking(true);
    }

    /** The layer's records come in here, and the confirmations go back. */
    SocketChannel records() {
        return records;
    }

    boolean alive() {
        return process != null && process.process().isAlive();
    }

    long processGroup() {
        return process == null ? 0 : process.pgid();
    }

    static boolean mounted(Path directory) {
        return MountTable.ofThisProcess().contains(directory.toString());
    }

    /** Takes away a layer left over the directory by an earlier run; IOException when it stays. */
    static void unmountStale(Path directory, Consumer<String> log) throws IOException {
        if (!mounted(directory)) return;
        log.accept("unmounting a replication layer left on " + directory + " by an earlier run");
        unmount(directory);
        if (mounted(directory)) throw new IOException(directory + " is still mounted (a layer left by an earlier run?); unmount it by hand");
    }

    /** Lazily: files an application still holds open cannot keep the directory covered. */
    private static void unmount(Path directory) {
        try {
            Process p = new ProcessBuilder("umount", "-l", directory.toString()).redirectErrorStream(true).start();
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (IOException e) {
            // reported by the caller's check
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null) process.terminate(Duration.ofSeconds(2), Duration.ofSeconds(2));
        if (mounted(directory)) unmount(directory);
        try {
            if (records != null) records.close();
            listener.close();
            Files.deleteIfExists(socketPath);
        } catch (IOException ignored) {
            // best effort: the socket file is removed at the next start too
        }
    }
}
