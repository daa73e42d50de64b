package haven.archfixture.upward.high;

/** Planted for LayeringTest: the layer that Low must not use. */
public final class High {}
