package haven.config;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/**
 * A test on a node's attributes, as a location preference writes it in {@code where:}: {@code rack=a},
 * {@code rack!=a}, {@code ssd} (the node has the attribute at all), or a numeric comparison such as
 * {@code memory_gb>=64}. A node without the attribute fails every test except {@code !=}, which it passes (it is
 * not in rack a), so that "avoid rack a" also avoids nothing on nodes nobody labelled.
 */
public record NodeRule(String attribute, Op op, String value) {
    public enum Op {
        DEFINED(""), EQUALS("="), DIFFERS("!="), AT_LEAST(">="), AT_MOST("<="), ABOVE(">"), BELOW("<");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        boolean numeric() {
            return this == AT_LEAST || this == AT_MOST || this == ABOVE || this == BELOW;
        }
    }

    static final String SYNTAX = "write NAME=VALUE, NAME!=VALUE, NAME>=NUMBER (also <=, >, <) or just NAME, e.g. where: rack=a";
    /** Longest symbols first, so that ">=" is not read as ">" followed by "=VALUE". */
    private static final Op[] BY_SYMBOL_LENGTH = {Op.DIFFERS, Op.AT_LEAST, Op.AT_MOST, Op.EQUALS, Op.ABOVE, Op.BELOW};

    /** The rule written as {@code text}, or a sentence saying what is wrong with it. */
    static Result parse(String text) {
        String t = text.strip();
        for (Op op : BY_SYMBOL_LENGTH) {
            int at = t.indexOf(op.symbol);
            if (at < 0) continue;
            String name = t.substring(0, at).strip();
            String value = t.substring(at + op.symbol.length()).strip();
            if (!haven.core.Names.isValid(name)) return new Result(Optional.empty(), "'" + name + "' is not an attribute name");
            if (value.isEmpty()) return new Result(Optional.empty(), "nothing after '" + op.symbol + "'");
            if (op.numeric() && number(value).isEmpty()) {
                return new Result(Optional.empty(), "'" + op.symbol + "' compares numbers, and '" + value + "' is not one");
            }
            return new Result(Optional.of(new NodeRule(name, op, value)), "");
        }
        if (!haven.core.Names.isValid(t)) return new Result(Optional.empty(), "'" + t + "' is neither an attribute name nor a comparison");
        return new Result(Optional.of(new NodeRule(t, Op.DEFINED, "")), "");
    }

    record Result(Optional<NodeRule> rule, String error) {}

    public boolean matches(Map<String, String> attributes) {
        String have = attributes.get(attribute);
        if (op == Op.DIFFERS) return have == null || !have.equals(value);
        if (have == null) return false;
        if (op == Op.DEFINED) return true;
        if (op == Op.EQUALS) return have.equals(value);
        Optional<BigDecimal> a = number(have);
        if (a.isEmpty()) return false;
        int c = a.get().compareTo(number(value).orElseThrow());
        return switch (op) {
            case AT_LEAST -> c >= 0;
            case AT_MOST -> c <= 0;
            case ABOVE -> c > 0;
            case BELOW -> c < 0;
            default -> throw new AssertionError(op);
        };
    }

    private static Optional<BigDecimal> number(String text) {
        if (!text.matches("-?\\d{1,18}(\\.\\d{1,9})?")) return Optional.empty();
        return Optional.of(new BigDecimal(text));
    }

    @Override
    public String toString() {
        return attribute + op.symbol + value;
    }
}
