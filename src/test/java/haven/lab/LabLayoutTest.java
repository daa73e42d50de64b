package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabLayoutTest {

    @Test
    void everyInterfaceNameFitsTheKernelLimitForTheLongestPrefix() {
        LabLayout l = new LabLayout("abcdef", 16);
        assertThat(l.clientPort()).hasSizeLessThanOrEqualTo(15);
        assertThat(l.nodePort(16)).hasSizeLessThanOrEqualTo(15);
        assertThat(l.bridge()).hasSizeLessThanOrEqualTo(15);
    }

    @Test
    void prefixesThatWouldOverflowInterfaceNamesAreRefused() {
        assertThatThrownBy(() -> new LabLayout("abcdefg", 3)).hasMessageContaining("1 to 6");
        assertThatThrownBy(() -> new LabLayout("Hv", 3)).isInstanceOf(LabException.class);
        assertThatThrownBy(() -> new LabLayout("hv", 17)).hasMessageContaining("1 to 16");
    }

    @Test
    void subnetIsStableAndDiffersBetweenPrefixes() {
        assertThat(new LabLayout("hv", 3).subnetOctet()).isEqualTo(new LabLayout("hv", 5).subnetOctet())
                .isBetween(1, 250);
        assertThat(new LabLayout("hv", 3).subnet()).isNotEqualTo(new LabLayout("demo", 3).subnet());
    }

    @Test
    void addressesFollowTheLabPlan() {
        LabLayout l = new LabLayout("hv", 3);
        String net = "10.231." + l.subnetOctet() + ".";
        assertThat(l.nodeAddress(1)).isEqualTo(net + "11");
        assertThat(l.nodeAddress(3)).isEqualTo(net + "13");
        assertThat(l.clientAddress()).isEqualTo(net + "200");
        assertThat(l.vip()).isEqualTo(net + "100");
        assertThat(l.namespaces()).containsExactly("hv-n1", "hv-n2", "hv-n3", "hv-client");
    }

    @Test
    void unknownNodeNamesAreExplained() {
        assertThatThrownBy(() -> new LabLayout("hv", 3).indexOf("n4")).hasMessageContaining("[n1, n2, n3]");
    }
}
