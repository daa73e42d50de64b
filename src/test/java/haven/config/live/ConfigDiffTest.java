package haven.config.live;

import static org.assertj.core.api.Assertions.assertThat;

import haven.validation.OcfReloadRules;
import haven.core.GroupId;
import haven.core.ResourceId;
import haven.executor.agents.ocf.OcfMetadataParser;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a change asks of running resources: add, remove, restart (with the members after), reload. */
class ConfigDiffTest {
    static final ResourceId VIP = ResourceId.of("vip");
    static final ResourceId SITE = ResourceId.of("site");
    static final ResourceId VIP2 = ResourceId.of("vip2");

    @Test
    void aNewGroupIsAddedAndNothingRunningIsTouched() {
        ConfigDiff d = ConfigDiff.between(LiveConfigs.parse(LiveConfigs.web()), LiveConfigs.parse(LiveConfigs.web("sleep 1000",
                "  - { name: vip2, type: ipaddr, params: { address: 10.0.0.101/24 } }\n", "  - { name: db, members: [vip2] }\n")),
                ReloadRules.NEVER);
        assertThat(d.added()).containsExactly(VIP2);
        assertThat(d.addedGroups()).containsExactly(GroupId.of("db"));
        assertThat(d.stopped()).isEmpty();
        assertThat(d.reloaded()).isEmpty();
        assertThat(d.summary()).isEqualTo("new groups [db]; new resources [vip2]");
    }

    @Test
    void aRemovedGroupStopsEveryMember() {
        String two = LiveConfigs.web("sleep 1000", "  - { name: vip2, type: ipaddr, params: { address: 10.0.0.101/24 } }\n",
                "  - { name: db, members: [vip2] }\n");
        ConfigDiff d = ConfigDiff.between(LiveConfigs.parse(two), LiveConfigs.parse(LiveConfigs.web()), ReloadRules.NEVER);
        assertThat(d.removed()).containsExactly(VIP2);
        assertThat(d.removedGroups()).containsExactly(GroupId.of("db"));
        assertThat(d.stopped()).containsExactly(VIP2);
    }

    /** The web group started exactly as listed: vip, then site. */
    static String listed(String yaml) {
        return yaml.replace("members: [vip, site]", "members: [vip, site], order: listed");
    }

    @Test
    void aChangedParameterRestartsTheResourceAndTheMembersAfterIt() {
        String vipMoved = listed(LiveConfigs.web()).replace("10.0.0.100/24", "10.0.0.102/24");
        ConfigDiff d = ConfigDiff.between(LiveConfigs.parse(listed(LiveConfigs.web())), LiveConfigs.parse(vipMoved), ReloadRules.NEVER);
        assertThat(d.stopped()).containsExactlyInAnyOrder(VIP, SITE);
        assertThat(d.summary()).isEqualTo("restart [site, vip]");
    }

    @Test
    void anAddressThatStartsLastRestartsAloneAndStaysUpWhileTheServiceRestarts() {
        // By default the group starts site, then vip: neither depends on the other.
        String vipMoved = LiveConfigs.web().replace("10.0.0.100/24", "10.0.0.102/24");
        ConfigDiff d = ConfigDiff.between(LiveConfigs.parse(LiveConfigs.web()), LiveConfigs.parse(vipMoved), ReloadRules.NEVER);
        assertThat(d.stopped()).containsExactly(VIP);
        String siteChanged = LiveConfigs.web("sleep 2000", "", "");
        ConfigDiff s = ConfigDiff.between(LiveConfigs.parse(LiveConfigs.web()), LiveConfigs.parse(siteChanged), ReloadRules.NEVER);
        assertThat(s.stopped()).containsExactly(SITE);
    }

    @Test
    void aChangeTheAgentReloadsIsAReloadNotARestart() {
        ReloadRules siteReloads = (next, changed) -> next.id().equals(SITE) && changed.equals(Set.of("command"));
        ConfigDiff d = ConfigDiff.between(LiveConfigs.parse(LiveConfigs.web()), LiveConfigs.parse(LiveConfigs.web("sleep 2000", "", "")),
                siteReloads);
        assertThat(d.reloaded()).containsExactly(SITE);
        assertThat(d.stopped()).isEmpty();
    }

    @Test
    void aReloadableResourceAfterARestartedOneIsRestartedWithIt() {
        ReloadRules everythingReloadsButVip = (next, changed) -> !next.id().equals(VIP);
        String both = listed(LiveConfigs.web("sleep 2000", "", "")).replace("10.0.0.100/24", "10.0.0.102/24");
        ConfigDiff d = ConfigDiff.between(LiveConfigs.parse(listed(LiveConfigs.web())), LiveConfigs.parse(both), everythingReloadsButVip);
        assertThat(d.stopped()).containsExactlyInAnyOrder(VIP, SITE);
        assertThat(d.reloaded()).isEmpty();
    }

    @Test
    void timeoutsAndIntervalsTouchNothing() {
        String slower = LiveConfigs.web().replace("params: { command: \"sleep 1000\" } }",
                "params: { command: \"sleep 1000\" }, monitor_interval: 7s, start_timeout: 45s }");
        ConfigDiff d = ConfigDiff.between(LiveConfigs.parse(LiveConfigs.web()), LiveConfigs.parse(slower), (n, c) -> {
            throw new AssertionError("no parameter changed, so no agent is asked");
        });
        assertThat(d.touchesNothing()).isTrue();
    }

    @Test
    void reorderingAGroupRestartsFromTheFirstMovedMember() {
        String reordered = listed(LiveConfigs.web()).replace("members: [vip, site]", "members: [site, vip]");
        ConfigDiff d = ConfigDiff.between(LiveConfigs.parse(listed(LiveConfigs.web())), LiveConfigs.parse(reordered), ReloadRules.NEVER);
        assertThat(d.stopped()).containsExactlyInAnyOrder(VIP, SITE);
    }

    @Test
    void aReorderingThatKeepsTheStartOrderRestartsNothing() {
        // [vip, site] already starts site first: writing it that way changes nothing that runs
        String reordered = LiveConfigs.web().replace("members: [vip, site]", "members: [site, vip]");
        ConfigDiff d = ConfigDiff.between(LiveConfigs.parse(LiveConfigs.web()), LiveConfigs.parse(reordered), ReloadRules.NEVER);
        assertThat(d.stopped()).isEmpty();
    }

    @Test
    void appendingAMemberRestartsNothing() {
        String longer = LiveConfigs.web("sleep 1000", "  - { name: vip2, type: ipaddr, params: { address: 10.0.0.101/24 } }\n", "")
                .replace("members: [vip, site]", "members: [vip, site, vip2]");
        ConfigDiff d = ConfigDiff.between(LiveConfigs.parse(LiveConfigs.web()), LiveConfigs.parse(longer), ReloadRules.NEVER);
        assertThat(d.stopped()).isEmpty();
        assertThat(d.added()).containsExactly(VIP2);
    }

    @Test
    void ocfRulesFollowReloadAgentAndReloadableOrLegacyReloadAndUnique() {
        String legacy = """
                <resource-agent name="web"><parameters>
                  <parameter name="configfile" unique="1"><content type="string"/></parameter>
                  <parameter name="options"><content type="string"/></parameter>
                </parameters><actions><action name="start"/><action name="reload"/></actions></resource-agent>""";
        String modern = """
                <resource-agent name="web"><parameters>
                  <parameter name="a" reloadable="1"><content type="string"/></parameter>
                  <parameter name="b"><content type="string"/></parameter>
                </parameters><actions><action name="start"/><action name="reload-agent"/></actions></resource-agent>""";
        String none = """
                <resource-agent name="web"><parameters>
                  <parameter name="options"><content type="string"/></parameter>
                </parameters><actions><action name="start"/></actions></resource-agent>""";
        var rc = LiveConfigs.parse(LiveConfigs.web()).resource(SITE).orElseThrow();
        var ocf = new haven.config.ResourceConfig(SITE, "ocf:heartbeat:web", rc.params(), rc.startTimeout(), rc.stopTimeout(),
                rc.monitorInterval(), rc.monitorTimeout());
        OcfReloadRules legacyRules = new OcfReloadRules(r -> OcfMetadataParser.parse("web", legacy));
        assertThat(legacyRules.reloads(ocf, Set.of("options"))).isTrue();
        assertThat(legacyRules.reloads(ocf, Set.of("options", "configfile"))).as("unique names the instance").isFalse();
        assertThat(legacyRules.reloads(ocf, Set.of("undeclared"))).isFalse();
        OcfReloadRules modernRules = new OcfReloadRules(r -> OcfMetadataParser.parse("web", modern));
        assertThat(modernRules.reloads(ocf, Set.of("a"))).isTrue();
        assertThat(modernRules.reloads(ocf, Set.of("b"))).as("not marked reloadable").isFalse();
        assertThat(new OcfReloadRules(r -> OcfMetadataParser.parse("web", none)).reloads(ocf, Set.of("options"))).isFalse();
        assertThat(legacyRules.reloads(rc, Set.of("command"))).as("not an OCF agent").isFalse();
    }
}
