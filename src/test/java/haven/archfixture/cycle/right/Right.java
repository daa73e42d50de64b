package haven.archfixture.cycle.right;

import haven.archfixture.cycle.left.Left;

/** Planted for LayeringTest: the other half of a package cycle. */
public final class Right {
    public Left partner() {
        return new Left();
    }
}
