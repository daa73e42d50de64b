package haven.config.live;

import static org.assertj.core.api.Assertions.assertThat;

import haven.validation.ConfigValidator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A proposed config is refused with every problem named, and changes that need a restart are refused too. */
class ConfigValidatorTest {
    final ConfigValidator validator = new ConfigValidator(Path.of(""), haven.validation.AgentChecks.NONE);
    final haven.config.ClusterConfig running = LiveConfigs.parse(LiveConfigs.web());

    @Test
    void aValidLiveChangeIsAccepted() {
        ConfigValidator.Verdict v = validator.check(LiveConfigs.web("sleep 2000", "", ""), "PUT", running);
        assertThat(v.problems()).isEmpty();
        assertThat(v.config()).isPresent();
    }

    @Test
    void everyProblemOfAnInvalidTextIsNamedWithItsPlace() {
        String bad = LiveConfigs.web().replace("10.0.0.100/24", "10.0.0.100/33").replace("members: [vip, site]",
                "members: [vip, site, nosuch]");
        ConfigValidator.Verdict v = validator.check(bad, "PUT /ha/config", running);
        assertThat(v.config()).isEmpty();
        assertThat(v.problems()).hasSize(2);
        assertThat(String.join("\n", v.problems())).contains("PUT /ha/config:", "10.0.0.100/33", "'nosuch'");
    }

    @Test
    void aChangeOfTheNodeListOrTimingNeedsARollingRestart() {
        String moreNodes = LiveConfigs.web().replace("  - { name: n3, address: 10.0.0.3 }\n",
                "  - { name: n3, address: 10.0.0.3 }\n  - { name: n4, address: 10.0.0.4 }\n  - { name: n5, address: 10.0.0.5 }\n");
        ConfigValidator.Verdict v = validator.check(moreNodes, "PUT", running);
        assertThat(v.problems()).singleElement().asString().startsWith("nodes:").contains("rolling restart");
        String renamed = LiveConfigs.web().replace("name: lab", "name: other");
        assertThat(validator.check(renamed, "PUT", running).problems()).singleElement().asString().startsWith("cluster.name:");
    }

    @Test
    void agentChecksAddTheirErrors() {
        ConfigValidator strict = new ConfigValidator(Path.of(""), (c, y, s) -> java.util.List.of(new haven.config.budget.Finding(
                haven.config.budget.Finding.Severity.ERROR, new haven.config.ConfigProblem(s, 9, 5, "site: agent says no", ""))));
        assertThat(strict.check(LiveConfigs.web(), "PUT", running).problems()).containsExactly("PUT:9:5: site: agent says no");
    }
}
