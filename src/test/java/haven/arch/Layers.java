package haven.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stack of layers of top-level packages under one root: a package may use any package of a lower layer,
 * the packages it is explicitly allowed beside it, and nothing above. Kept apart from the test so that the
 * same checks run on the product and on planted fixtures that must fail.
 */
final class Layers {
    private final String root;
    private final List<List<String>> bottomUp = new ArrayList<>();
    private final Map<String, Set<String>> sideways = new LinkedHashMap<>();

    Layers(String root) {
        this.root = root;
    }

    Layers layer(String... packages) {
        bottomUp.add(List.of(packages));
        return this;
    }

    /** {@code user} may also use {@code used}, although they sit in the same layer. */
    Layers beside(String user, String used) {
        sideways.computeIfAbsent(user, k -> new LinkedHashSet<>()).add(used);
        return this;
    }

    List<String> packages() {
        return bottomUp.stream().flatMap(List::stream).toList();
    }

    /** Whether a class of {@code user} may use one of {@code used}: the same package, one below, or listed beside it. */
    boolean mayUse(String user, String used) {
        if (user.equals(used) || sideways.getOrDefault(user, Set.of()).contains(used)) return true;
        int u = levelOf(user);
        int v = levelOf(used);
        return u >= 0 && v >= 0 && v < u;
    }

    private int levelOf(String pkg) {
        for (int level = 0; level < bottomUp.size(); level++) {
            if (bottomUp.get(level).contains(pkg)) return level;
        }
        return -1;
    }

    /**
     * Class names written as strings ({@code "ROOT.PACKAGE.Name"}) in the source of a class of {@code user}, whose
     * package it may not use: a main class started by name is a dependency ArchUnit cannot see in the bytecode.
     */
    List<String> namedAbove(String user, String source) {
        List<String> found = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + java.util.regex.Pattern.quote(root)
                + "\\.([a-z]+)\\.[A-Za-z0-9_.$]*").matcher(source);
        while (m.find()) {
            String used = m.group(1);
            if (levelOf(used) >= 0 && !mayUse(user, used)) found.add(m.group().substring(1));
        }
        return found;
    }

    /** Every upward or unlisted sideways dependency, as ArchUnit words it; empty when the layering holds. */
    List<String> violations(JavaClasses classes) {
        List<String> found = new ArrayList<>();
        for (int level = 0; level < bottomUp.size(); level++) {
            for (String pkg : bottomUp.get(level)) {
                List<String> forbidden = new ArrayList<>();
                for (int other = level; other < bottomUp.size(); other++) {
                    for (String p : bottomUp.get(other)) {
                        if (!p.equals(pkg) && !sideways.getOrDefault(pkg, Set.of()).contains(p)) forbidden.add(qualified(p));
                    }
                }
                if (forbidden.isEmpty()) continue;
                ArchRule rule = noClasses().that().resideInAPackage(qualified(pkg))
                        .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                        .because(pkg + " sits below them in docs/design.md's layering")
                        .allowEmptyShould(true);
                EvaluationResult r = rule.evaluate(classes);
                if (r.hasViolation()) found.addAll(r.getFailureReport().getDetails());
            }
        }
        return found;
    }

    /** Cycles between top-level packages, as ArchUnit words them; empty when there are none. */
    List<String> cycles(JavaClasses classes) {
        EvaluationResult r = SlicesRuleDefinition.slices().matching(root + ".(*)..").should().beFreeOfCycles()
                .allowEmptyShould(true).evaluate(classes);
        return r.hasViolation() ? r.getFailureReport().getDetails() : List.of();
    }

    private String qualified(String pkg) {
        return root + "." + pkg + "..";
    }
}
