package haven.config;

/** A 1-based line and column in the config file; {@link #WHOLE_FILE} when no single place is to blame. */
record Place(int line, int column) {
    static final Place WHOLE_FILE = new Place(0, 0);
    static final Place START = new Place(1, 1);

    /** Says where something else was seen, for messages like "used twice (first at line 4)". */
    String describe() {
        return "line " + line;
    }
}
