package haven.archfixture.upward.low;

import haven.archfixture.upward.high.High;

/** Planted for LayeringTest: a lower layer that reaches up. */
public final class Low {
    public String name() {
        return new High().toString();
    }
}
