package io.peerlift.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerlift.events.EventCodec;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code devices show}'s line on how rollout-service counts the device as a peer. */
class PeerLineTest {

    private static JsonNode inventory(boolean running, String peerExpiredAt) {
        Map<String, Object> device = new HashMap<>(Map.of("peerServerRunning", running, "peerServerPort", 22335,
                "peerServerCapacity", 2, "lastEventAt", "2026-12-01T10:00:00Z"));
        device.put("peerExpiredAt", peerExpiredAt);
        return EventCodec.mapper().valueToTree(device);
    }

    @Test
    void aSilentPeerIsShownAsNotCountedWhateverItLastSaid() {
        assertThat(DevicesCommand.peerLine(inventory(true, "2026-12-01T10:03:00Z"))).isEqualTo("as a peer: NOT counted"
                + " since 2026-12-01T10:03:00Z (silent too long, last event 2026-12-01T10:00:00Z)");
    }

    @Test
    void aServingPeerAndADeviceWithoutPeerServerSayWhichTheyAre() {
        assertThat(DevicesCommand.peerLine(inventory(true, null))).isEqualTo("as a peer: serving on port 22335 with 2"
                + " upload slot(s), HTTP only, last event 2026-12-01T10:00:00Z");
        assertThat(DevicesCommand.peerLine(inventory(false, null)))
                .isEqualTo("as a peer: its peer server is not running, last event 2026-12-01T10:00:00Z");
        assertThat(DevicesCommand.peerLine(null)).isEqualTo("as a peer: rollout-service has no event of it yet");
    }

    @Test
    void aPeerSaysWhetherItServesHttpsAndWhyNotWhenItShouldButCannot() {
        ObjectNode https = (ObjectNode) inventory(true, null);
        https.put("peerServerHttpsPort", 22337).putNull("peerServerHttpsDown");
        assertThat(DevicesCommand.peerLine(https)).isEqualTo("as a peer: serving on port 22335 with 2 upload slot(s),"
                + " HTTPS on port 22337, last event 2026-12-01T10:00:00Z");
        ObjectNode down = (ObjectNode) inventory(true, null);
        down.put("peerServerHttpsPort", 0).put("peerServerHttpsDown", "the device has no certificate");
        assertThat(DevicesCommand.peerLine(down)).isEqualTo("as a peer: serving on port 22335 with 2 upload slot(s),"
                + " HTTPS down: the device has no certificate, last event 2026-12-01T10:00:00Z");
    }
}
