package haven.guard;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Linux watchdog device (/dev/watchdog) as a second line behind the guard: the guard pets it on every turn
 * of its loop, so if the guard itself hangs or dies (and so can no longer force anything off) the kernel
 * resets the machine when the device's timeout runs out. Closed in order (the magic 'V' first) only when
 * nothing of the node's can still run; a guard that failed to force something off leaves the device armed and
 * stops petting, so the machine is reset: self-fencing, as sbd does it.
 *
 * <p>Opt-in (`watchdog:` in the config): opening the device arms it, and a reset is no small thing where an
 * administrator did not ask for it (another watchdog daemon, a container sharing the host's device). The
 * device's timeout is its driver's own (set with the driver's module options); this class cannot set it
 * without an ioctl.
 */
final class Watchdog implements AutoCloseable {
    private static final byte PET = '.';
    private static final byte MAGIC_CLOSE = 'V';
    private final Path path;
    private final FileOutputStream device;
    private boolean failed = false;

    private Watchdog(Path path, FileOutputStream device) {
        this.path = path;
        this.device = device;
    }

    /** Opens the device (which arms it), or says why not. */
    static Result open(Path path) {
        try {
            return new Result(Optional.of(new Watchdog(path, new FileOutputStream(path.toFile()))), "watchdog " + path + " armed");
        } catch (IOException e) {
            return new Result(Optional.empty(), "watchdog " + path + " NOT armed (" + e.getMessage() + "): a hung guard would go unnoticed");
        }
    }

    record Result(Optional<Watchdog> watchdog, String text) {}

    /** One write resets the device's countdown; a failed write is said once, then the device is left to run out. */
    Optional<String> pet() {
        if (failed) return Optional.empty();
        try {
            device.write(PET);
            device.flush();
            return Optional.empty();
        } catch (IOException e) {
            failed = true;
            return Optional.of("watchdog " + path + " cannot be petted (" + e.getMessage() + "): the machine will be reset");
        }
    }

    /** Disarms: nothing of this node runs any more. */
    @Override
    public void close() {
        try (device) {
            device.write(MAGIC_CLOSE);
            device.flush();
        } catch (IOException e) {
            // Left armed: the kernel resets the machine, which is the safe side of a device we cannot talk to.
        }
    }

    /** Leaves the device armed and unpetted: the machine is reset when its timeout runs out. */
    void abandon() {
        failed = true;
    }
}
