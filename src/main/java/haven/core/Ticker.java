package haven.core;

/**
 * Monotonic elapsed time, in milliseconds from an arbitrary origin. Pure logic gets time only as a
 * parameter taken from a Ticker, so that the simulator can drive it with a fake clock.
 */
@FunctionalInterface
public interface Ticker {
    long nowMs();

    Ticker SYSTEM = () -> System.nanoTime() / 1_000_000L;
}
