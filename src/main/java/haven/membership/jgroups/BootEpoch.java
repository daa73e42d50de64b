package haven.membership.jgroups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * The numbers the cluster-traffic seal keeps across restarts, in the node's state directory: this node's boot
 * epoch, which must grow at every start (its peers refuse older epochs, and the epoch is part of the key
 * under which counters serve as nonces), and the highest epoch seen from each peer (so that after a restart
 * this node still refuses datagrams captured from a peer's earlier boots).
 */
final class BootEpoch {
    private BootEpoch() {}

    /**
     * The wall clock in milliseconds, but above the last epoch written: a clock set back cannot repeat an epoch.
     * Written (and synced) before it is used.
     */
    static long next(Path stateDir, long wallMs) throws IOException {
        Path file = stateDir.resolve("seal-epoch");
        long last = 0;
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            try {
                last = Long.parseLong(text);
            } catch (NumberFormatException bad) {
                throw new IOException(file + " does not hold an epoch number (\"" + text + "\"); remove it only if every peer of "
                        + "this node has restarted since, or they will refuse this node's traffic", bad);
            }
        }
        long epoch = Math.max(wallMs, last + 1);
        writeAtomically(file, Long.toString(epoch) + "\n");
        return epoch;
    }

    static Map<String, Long> readPeers(Path stateDir) throws IOException {
        Path file = stateDir.resolve("seal-peers");
        Map<String, Long> out = new HashMap<>();
        if (!Files.exists(file)) return out;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.trim().split(" ");
            if (parts.length != 2) continue;
            try {
                out.put(parts[0], Long.parseLong(parts[1]));
            } catch (NumberFormatException skipped) {
                // a torn line cannot happen (atomic rename); anything else unreadable only loosens the floor
            }
        }
        return out;
    }

    static void writePeers(Path stateDir, Map<String, Long> epochs) throws IOException {
        StringBuilder b = new StringBuilder();
        epochs.forEach((name, epoch) -> b.append(name).append(' ').append(epoch).append('\n'));
        writeAtomically(stateDir.resolve("seal-peers"), b.toString());
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
