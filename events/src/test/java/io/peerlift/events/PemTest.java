package io.peerlift.events;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemTest {

    @Property
    void whatIsEncodedDecodesToTheSameBytes(@ForAll @Size(max = 600) byte[] der) {
        String pem = Pem.encode("CERTIFICATE", der);
        assertThat(pem.lines().skip(1).filter(line -> !line.startsWith("-----"))).allMatch(line -> line.length() <= 64);
        assertThat(Pem.decode(pem, "CERTIFICATE")).isEqualTo(der);
    }

    @Test
    void theBlockOfTheAskedTypeIsFoundAmongOthers() {
        String file = Pem.encode("PRIVATE KEY", new byte[]{1, 2, 3}) + Pem.encode("PUBLIC KEY", new byte[]{4, 5});
        assertThat(Pem.decode(file, "PUBLIC KEY")).containsExactly(4, 5);
        assertThat(Pem.decode(file, "PRIVATE KEY")).containsExactly(1, 2, 3);
    }

    @Test
    void textWithoutTheBlockIsRefusedByName() {
        assertThatThrownBy(() -> Pem.decode(Pem.encode("PUBLIC KEY", new byte[]{1}), "PRIVATE KEY"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a PEM block '-----BEGIN PRIVATE KEY-----'");
        assertThatThrownBy(() -> Pem.decode("-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----", "CERTIFICATE"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
