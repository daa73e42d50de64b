package haven.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventRingTest {
    private static List<Change> changes(int n) {
        return IntStream.range(0, n).mapToObj(i -> Change.of("move", "change " + i)).toList();
    }

    private static List<Long> seqs(EventRing.Read r) {
        return ((EventRing.Read.Events) r).events().stream().map(ClusterEvent::seq).toList();
    }

    @Test
    void eventsAreNumberedFromOneWithoutGaps() {
        EventRing ring = new EventRing(8);
        ring.append(changes(3), 10);
        ring.append(List.of(), 11);
        ring.append(changes(2), 12);
        assertThat(seqs(ring.after(0, 100))).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(seqs(ring.after(3, 100))).containsExactly(4L, 5L);
        assertThat(seqs(ring.after(5, 100))).isEmpty();
        assertThat(seqs(ring.after(0, 2))).containsExactly(1L, 2L);
    }

    @Test
    void aReaderOvertakenByTheRingIsToldWhatItMissed() {
        EventRing ring = new EventRing(4);
        ring.append(changes(10), 1);
        assertThat(ring.oldest()).isEqualTo(7);
        assertThat(ring.after(2, 100)).isEqualTo(new EventRing.Read.Gap(2, 7));
        assertThat(seqs(ring.after(6, 100))).containsExactly(7L, 8L, 9L, 10L);
        assertThat(((EventRing.Read.Events) ring.after(6, 100)).events().get(0).text()).isEqualTo("change 6");
    }

    @Test
    void aNumberBeyondTheNewestIsNotFromThisStream() {
        EventRing ring = new EventRing(4);
        ring.append(changes(2), 1);
        assertThatThrownBy(() -> ring.after(3, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event 3 is not in this stream (its newest is 2)");
    }

    @Test
    void aWaitingReaderWakesOnAnAppendAndTimesOutWithout() throws Exception {
        EventRing ring = new EventRing(4);
        long t0 = System.nanoTime();
        assertThat(ring.awaitAfter(0, 50)).isFalse();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(45_000_000L);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
            ring.append(changes(1), 1);
        });
        assertThat(ring.awaitAfter(0, 5_000)).isTrue();
    }
}
