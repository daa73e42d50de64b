package haven.config.budget;

import haven.config.ConfigProblem;

/**
 * A problem the budget check found: an error makes the config unusable (like every loader problem), a
 * warning is printed and the config is still accepted.
 */
public record Finding(Severity severity, ConfigProblem problem) {
    public enum Severity { ERROR, WARNING }

    /** File order, as the loader reports, which is how people fix a file. */
    public static final java.util.Comparator<Finding> FILE_ORDER = java.util.Comparator
            .comparingInt((Finding f) -> f.problem().line()).thenComparingInt(f -> f.problem().column());

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** Errors read exactly like the loader's problems; warnings say so after the place, as compilers do. */
    @Override
    public String toString() {
        if (isError()) {
            return problem.toString();
        }
        ConfigProblem p = problem;
        String where = p.hasPlace() ? p.source() + ":" + p.line() + ":" + p.column() : p.source();
        String text = where + ": warning: " + p.message();
        return p.hint() == null || p.hint().isBlank() ? text : text + "\n  hint: " + p.hint();
    }
}
