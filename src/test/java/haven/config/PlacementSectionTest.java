package haven.config;

import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import haven.core.GroupId;
import haven.core.NodeId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementSectionTest {
    /** Lines 1-29: three nodes with attributes (n3 has none), a witness, resources a, b, c, d; groups follow. */
    private static final String BASE = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - name: n1
                address: 10.0.0.1
                attributes: { rack: a, memory_gb: 64 }
              - name: n2
                address: 10.0.0.2
                attributes: { rack: b, memory_gb: 16, ssd: yes }
              - name: n3
                address: 10.0.0.3
              - name: w
                address: 10.0.0.4
                role: witness
            resources:
              - name: a
                type: process
                params: { command: /bin/a }
              - name: b
                type: process
                params: { command: /bin/b }
              - name: c
                type: process
                params: { command: /bin/c }
              - name: d
                type: process
                params: { command: /bin/d }
            groups:
            """;

    @Test
    void readsAttributesLocationsAndColocations() throws ConfigException {
        ClusterConfig c = valid(BASE + """
                  - name: g
                    members: [a]
                    location:
                      - { node: n1, score: 100 }
                      - { where: memory_gb>=32, score: 50 }
                      - { where: ssd, score: -inf }
                    colocate:
                      - { with: h }
                      - { with: c, score: -200 }
                  - name: h
                    members: [b]
                """);
        assertThat(c.node(NodeId.of("n2")).orElseThrow().attributes()).isEqualTo(Map.of("rack", "b", "memory_gb", "16", "ssd", "yes"));
        assertThat(c.node(NodeId.of("n3")).orElseThrow().attributes()).isEmpty();
        PlacementRules rules = c.group(GroupId.of("g")).orElseThrow().placement();
        assertThat(rules.locations()).extracting(PlacementRules.Location::label, PlacementRules.Location::score)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("n1", 100L), org.assertj.core.groups.Tuple.tuple("memory_gb>=32", 50L),
                        org.assertj.core.groups.Tuple.tuple("ssd", -Score.INFINITY));
        assertThat(rules.colocations()).containsExactly(new PlacementRules.Colocation(GroupId.of("h"), Score.INFINITY, false),
                new PlacementRules.Colocation(GroupId.of("c"), -200, false));
        NodeConfig n1 = c.node(NodeId.of("n1")).orElseThrow();
        NodeConfig n2 = c.node(NodeId.of("n2")).orElseThrow();
        assertThat(rules.locations().get(1).appliesTo(n1)).isTrue();
        assertThat(rules.locations().get(1).appliesTo(n2)).isFalse();
        assertThat(rules.locations().get(2).appliesTo(n2)).isTrue();
        assertThat(c.group(GroupId.of("h")).orElseThrow().placement().isEmpty()).isTrue();
    }

    @Test
    void aRuleOnAnAttributeNoNodeHasIsAProblemWithTheKnownNames() {
        ConfigProblem p = onlyProblem(BASE + "  - name: g\n    members: [a]\n    location: [{ where: rak=a, score: 10 }]\n",
                32, 25, "tests attribute 'rak', which no node has");
        assertThat(p.hint()).contains("rack");
    }

    @Test
    void aComparisonOfSomethingThatIsNoNumber() {
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    location: [{ where: memory_gb>=lots, score: 10 }]\n",
                32, 25, "'>=' compares numbers, and 'lots' is not one");
    }

    @Test
    void aLocationNeedsAScoreAndEitherANodeOrARule() {
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    location: [{ node: n1 }]\n", 32, 16, "needs a score");
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    location: [{ node: n1, where: ssd, score: 1 }]\n", 32, 16,
                "either node: or where:");
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    location: [{ node: w, score: 1 }]\n", 32, 24,
                "'w' is not a node that runs resources");
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    location: [{ node: n1, score: lots }]\n", 32, 35,
                "'lots' is not a score");
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    location: [{ node: n1, score: 2000000 }]\n", 32, 35,
                "is not a score");
    }

    @Test
    void aColocationWithAGroupThatDoesNotExistNamesTheGroups() {
        ConfigProblem p = onlyProblem(BASE + "  - name: g\n    members: [a]\n    colocate: [{ with: hh }]\n", 32, 24,
                "colocate names 'hh', which is not a group");
        assertThat(p.hint()).contains("g");
    }

    @Test
    void aResourceInNoGroupIsAGroupOfItsOwnToColocateWith() throws ConfigException {
        ClusterConfig c = valid(BASE + "  - name: g\n    members: [a]\n    colocate: [{ with: d, score: -inf }]\n");
        assertThat(c.group(GroupId.of("g")).orElseThrow().placement().colocations().get(0).with()).isEqualTo(GroupId.of("d"));
    }

    @Test
    void colocationsThatLoopAreRefusedWithTheLoop() {
        ConfigProblem p = onlyProblem(BASE + """
                  - name: g
                    members: [a]
                    colocate: [{ with: h }]
                  - name: h
                    members: [b]
                    colocate: [{ with: k, score: 10 }]
                  - name: k
                    members: [c]
                    colocate: [{ with: g, score: -inf }]
                """, 32, 24, "colocations and orders form a loop: g -> h -> k -> g");
        assertThat(p.hint()).contains("one way only");
    }

    @Test
    void selfColocationZeroScoreAndRoleAnyOfAPlainGroupAreProblems() {
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    colocate: [{ with: g }]\n", 32, 24, "colocated with itself");
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    colocate: [{ with: d, score: 0 }]\n", 32, 34, "score 0 has no effect");
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    colocate: [{ with: d, role: any }]\n", 32, 24,
                "role: any asks for the instances of 'd', which is not promotable");
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    colocate: [{ with: d, role: replica }]\n", 32, 33,
                "'replica' is not a role to colocate with");
    }

    @Test
    void readsOrders() throws ConfigException {
        ClusterConfig c = valid(BASE + """
                  - name: g
                    members: [a]
                    after: [h, { group: d, kind: optional }]
                  - name: h
                    members: [b]
                """);
        assertThat(c.group(GroupId.of("g")).orElseThrow().placement().after()).containsExactly(
                new PlacementRules.After(GroupId.of("h"), true), new PlacementRules.After(GroupId.of("d"), false));
        assertThat(c.group(GroupId.of("g")).orElseThrow().placement().isEmpty()).as("orders change when, not where").isTrue();
    }

    @Test
    void badOrders() {
        ConfigProblem p = onlyProblem(BASE + "  - name: g\n    members: [a]\n    after: [hh]\n", 32, 13, "after names 'hh', which is not a group");
        assertThat(p.hint()).contains("d");
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    after: [g]\n", 32, 13, "group 'g' starts after itself");
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    after: [{ group: d, kind: soon }]\n", 32, 31,
                "kind 'soon' is not a kind of order");
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    after: [{ kind: optional }]\n", 32, 13, "group is missing");
    }

    @Test
    void anOrderAndAColocationThatLoopAreRefused() {
        onlyProblem(BASE + """
                  - name: g
                    members: [a]
                    colocate: [{ with: h }]
                  - name: h
                    members: [b]
                    after: [g]
                """, 32, 24, "colocations and orders form a loop: g -> h -> g");
    }

    @Test
    void failbackWindowsAndTheirTimeZone() throws ConfigException {
        ClusterConfig c = valid(BASE.replace("nodes:\n", "policy:\n  time_zone: Europe/Berlin\nnodes:\n")
                + "  - name: g\n    members: [a]\n    failback: 23:30-01:15:30\n");
        TimeWindow w = c.group(GroupId.of("g")).orElseThrow().placement().failback().orElseThrow();
        java.time.ZoneId berlin = c.policy().timeZone();
        assertThat(berlin).isEqualTo(java.time.ZoneId.of("Europe/Berlin"));
        long t = java.time.ZonedDateTime.of(2026, 12, 7, 0, 0, 0, 0, berlin).toInstant().toEpochMilli();
        assertThat(w.contains(t, berlin)).as("midnight is inside a window over midnight").isTrue();
        assertThat(w.contains(t + java.time.Duration.ofMinutes(75).toMillis() + 30_000, berlin)).as("the end is excluded").isFalse();
        assertThat(w.contains(t - java.time.Duration.ofMinutes(30).toMillis(), berlin)).as("the start is included").isTrue();
        assertThat(w.contains(t + java.time.Duration.ofHours(12).toMillis(), berlin)).isFalse();
        assertThat(valid(BASE + "  - name: g\n    members: [a]\n").policy().timeZone()).isEqualTo(java.time.ZoneOffset.UTC);
    }

    @Test
    void badFailbackWindowsAndZones() {
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    failback: 02:00\n", 32, 15, "is not two times joined by '-'");
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    failback: 02:00-25:00\n", 32, 15, "is not a time of day range");
        onlyProblem(BASE + "  - name: g\n    members: [a]\n    failback: 02:00-02:00\n", 32, 15, "starts where it ends");
        onlyProblem(BASE.replace("nodes:\n", "policy:\n  time_zone: Mars/Olympus\nnodes:\n") + "  - name: g\n    members: [a]\n",
                5, 14, "time_zone 'Mars/Olympus' is not a time zone");
    }

    @Test
    void badAttributes() {
        String head = Check.HEAD;
        onlyProblem(head + "    attributes: { 'bad name': 1 }\n", 7, 19, "'bad name' is not an attribute name");
        onlyProblem(head + "    attributes: { rack: }\n", 7, 24, "attributes.rack must be a value");
        onlyProblem(head + "    attributes: [rack]\n", 7, 17, "must be a mapping");
    }

    @Test
    void nodeRulesMatchAsDocumented() {
        Map<String, String> big = Map.of("rack", "a", "memory_gb", "64", "ssd", "yes");
        Map<String, String> none = Map.of();
        assertThat(rule("rack=a").matches(big)).isTrue();
        assertThat(rule("rack = b").matches(big)).isFalse();
        assertThat(rule("rack!=b").matches(big)).isTrue();
        assertThat(rule("rack!=a").matches(none)).as("an unlabelled node is not in rack a").isTrue();
        assertThat(rule("rack=a").matches(none)).isFalse();
        assertThat(rule("ssd").matches(big)).isTrue();
        assertThat(rule("ssd").matches(none)).isFalse();
        assertThat(rule("memory_gb>=64").matches(big)).isTrue();
        assertThat(rule("memory_gb>64").matches(big)).isFalse();
        assertThat(rule("memory_gb<128.5").matches(big)).isTrue();
        assertThat(rule("memory_gb<=8").matches(big)).isFalse();
        assertThat(rule("rack>=1").matches(big)).as("a value that is no number fails a comparison").isFalse();
        assertThat(NodeRule.parse("=a").rule()).isEmpty();
        assertThat(NodeRule.parse("rack=").rule()).isEmpty();
    }

    @Test
    void scoresSaturateAndNeverWins() {
        assertThat(Score.add(Score.INFINITY, -Score.INFINITY)).isEqualTo(-Score.INFINITY);
        assertThat(Score.add(999_999, 999_999)).isEqualTo(Score.INFINITY);
        assertThat(Score.add(-999_999, -999_999)).isEqualTo(-Score.INFINITY);
        assertThat(Score.add(100, -30)).isEqualTo(70);
        assertThat(Score.parse("-INFINITY")).hasValue(-Score.INFINITY);
        assertThat(Score.parse("+inf")).hasValue(Score.INFINITY);
        assertThat(Score.parse("1.5")).isEmpty();
        assertThat(Score.format(Score.INFINITY)).isEqualTo("inf");
        assertThat(Score.format(-5)).isEqualTo("-5");
        assertThat(Score.format(5)).isEqualTo("+5");
    }

    private static NodeRule rule(String text) {
        return NodeRule.parse(text).rule().orElseThrow(() -> new AssertionError(NodeRule.parse(text).error()));
    }
}
