package haven.config;

/**
 * One thing wrong with a config file, with its place (1-based line and column; 0 when the problem
 * concerns the file as a whole) and, when there is one, a hint that says how to fix it.
 */
public record ConfigProblem(String source, int line, int column, String message, String hint) {

    public boolean hasPlace() {
        return line > 0;
    }

    @Override
    public String toString() {
        String where = hasPlace() ? source + ":" + line + ":" + column : source;
        String text = where + ": " + message;
        return hint == null || hint.isBlank() ? text : text + "\n  hint: " + hint;
    }
}
