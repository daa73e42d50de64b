package haven.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigSecretsTest {
    private static final String CONFIG = """
            # the lab 🙂 cluster
            cluster:
              name: lab
              key: "s3cret-cluster-key-0123"   # shared by every node
            nodes:
              - { name: n1, address: 10.0.0.1 }
            resources:
              - name: db
                type: ocf:heartbeat:mysql
                params: { user: haven, password: 'db-pass-42', binary: /usr/bin/mysqld }
            fencing:
              devices:
                - name: ipmi-n1
                  agent: fence_ipmilan
                  params:
                    ip: 10.0.0.9
                    username: admin
                    passwd: hunter2
                    snmp_priv_passwd: |
                      multi
                  hosts: [n1]
            """;

    @Test
    void everySecretValueIsReplacedAndTheRestOfTheTextKept() {
        String r = ConfigSecrets.redact(CONFIG);
        assertThat(r).doesNotContain("s3cret-cluster-key-0123", "db-pass-42", "hunter2", "multi");
        assertThat(r).contains("  key: <redacted>   # shared by every node\n", "password: <redacted>, binary: /usr/bin/mysqld }",
                "passwd: <redacted>\n", "snmp_priv_passwd: <redacted>\n", "username: admin", "# the lab 🙂 cluster");
        assertThat(ConfigSecrets.find(CONFIG)).extracting(ConfigSecrets.Secret::path).containsExactly("cluster.key",
                "resources[db].params.password", "fencing.devices[ipmi-n1].params.passwd", "fencing.devices[ipmi-n1].params.snmp_priv_passwd");
    }

    @Test
    void aRedactedTextRestoresToTheStoredOneAsWrittenThere() {
        assertThat(ConfigSecrets.restore(ConfigSecrets.redact(CONFIG), CONFIG)).isEqualTo(CONFIG);
    }

    @Test
    void aSecretWrittenInClearIsTakenAndTheOthersAreKept() {
        String edited = ConfigSecrets.redact(CONFIG).replace(" passwd: <redacted>", " passwd: new-ipmi-pass");
        String restored = ConfigSecrets.restore(edited, CONFIG);
        assertThat(restored).isEqualTo(CONFIG.replace(" passwd: hunter2", " passwd: new-ipmi-pass"));
    }

    @Test
    void aDeviceMovedInItsListFindsItsSecretByName() {
        String stored = "fencing:\n  devices:\n    - { name: a, params: { password: pa } }\n    - { name: b, params: { password: pb } }\n";
        String swapped = "fencing:\n  devices:\n    - { name: b, params: { password: <redacted> } }\n    - { name: a, params: { password: \"<redacted>\" } }\n";
        assertThat(ConfigSecrets.restore(swapped, stored))
                .isEqualTo("fencing:\n  devices:\n    - { name: b, params: { password: pb } }\n    - { name: a, params: { password: pa } }\n");
    }

    @Test
    void aRedactedValueWithoutAStoredOneIsRefusedNamingItsPath() {
        assertThatThrownBy(() -> ConfigSecrets.restore("cluster: { key: <redacted> }\n", "cluster: { name: x }\n"))
                .isInstanceOf(ApiError.class).hasMessageContaining("cluster.key is <redacted>, but the running config has no value there")
                .satisfies(e -> assertThat(((ApiError) e).code()).isEqualTo(422));
    }

    @Test
    void aDuplicatedKeyIsHiddenEveryTimeAndTextThatIsNotYamlIsNotShown() {
        assertThat(ConfigSecrets.redact("cluster:\n  key: first-secret\n  key: second-secret\n"))
                .isEqualTo("cluster:\n  key: <redacted>\n  key: <redacted>\n");
        assertThat(ConfigSecrets.redact("cluster: { key: \"unterminated\n")).doesNotContain("unterminated")
                .contains("haven config show --secrets");
    }
}
