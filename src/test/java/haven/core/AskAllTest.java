package haven.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Asks run side by side: a silent peer asked first does not keep a live one from answering within the limit. */
class AskAllTest {
    private static Supplier<Optional<String>> after(long millis, String answer) {
        return () -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return Optional.empty();
            }
            return Optional.of(answer);
        };
    }

    @Test
    void aSilentPeerAskedFirstDoesNotHoldBackTheOthers() {
        List<Supplier<Optional<String>>> asks = List.of(after(5_000, "silent"), after(20, "n2"), after(30, "n3"), () -> Optional.empty());
        long start = System.nanoTime();
        assertThat(AskAll.within(Duration.ofMillis(400), asks)).containsExactly("n2", "n3");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
}
