package haven.core;

/** Wall-clock time in epoch milliseconds: only for stamps that people read and for failure windows. */
@FunctionalInterface
public interface WallClock {
    long epochMs();

    WallClock SYSTEM = System::currentTimeMillis;
}
