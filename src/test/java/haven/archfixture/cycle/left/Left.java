package haven.archfixture.cycle.left;

import haven.archfixture.cycle.right.Right;

/** Planted for LayeringTest: one half of a package cycle. */
public final class Left {
    public Right partner() {
        return new Right();
    }
}
