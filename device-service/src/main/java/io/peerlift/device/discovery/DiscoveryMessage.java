package io.peerlift.device.discovery;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.peerlift.events.EventCodec;
import io.peerlift.events.PeerOffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * The discovery datagrams: a 4-byte magic {@code PLDP}, one version byte, then compact JSON. Anything else, or
 * anything larger than {@link #MAX_DATAGRAM_BYTES}, is rejected before parsing, so a stray or hostile packet on
 * the discovery port costs nothing but a counter increment. What a decoded message says is checked by
 * {@link DiscoveryRules} before anyone acts on it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = DiscoveryMessage.Request.class, name = "Request"),
        @JsonSubTypes.Type(value = DiscoveryMessage.Answer.class, name = "Answer"),
})
public sealed interface DiscoveryMessage {

    byte[] MAGIC = {'P', 'L', 'D', 'P'};
    byte VERSION = 1;
    int MAX_DATAGRAM_BYTES = 1024;

    UUID requestId();

    /** "Who has {@code app} {@code version}?", broadcast by {@code deviceId}. */
    record Request(UUID requestId, String deviceId, String app, String version) implements DiscoveryMessage {
    }

    /** The unicast reply of a peer that holds the app and serves it. */
    record Answer(UUID requestId, PeerOffer offer) implements DiscoveryMessage {
    }

    public static byte[] encode(DiscoveryMessage message) {
        byte[] json = EventCodec.encode(message).getBytes(StandardCharsets.UTF_8);
        byte[] datagram = Arrays.copyOf(MAGIC, MAGIC.length + 1 + json.length);
        datagram[MAGIC.length] = VERSION;
        System.arraycopy(json, 0, datagram, MAGIC.length + 1, json.length);
        if (datagram.length > MAX_DATAGRAM_BYTES) {
            throw new IllegalArgumentException("discovery datagram of " + datagram.length + " bytes exceeds "
                    + MAX_DATAGRAM_BYTES);
        }
        return datagram;
    }

    /** @throws RejectedDatagramException naming why the bytes are not a discovery message */
    public static DiscoveryMessage decode(byte[] datagram) {
        if (datagram.length > MAX_DATAGRAM_BYTES) {
            throw new RejectedDatagramException("oversized");
        }
        if (datagram.length <= MAGIC.length + 1
                || !Arrays.equals(datagram, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new RejectedDatagramException("bad-magic");
        }
        if (datagram[MAGIC.length] != VERSION) {
            throw new RejectedDatagramException("unsupported-version");
        }
        DiscoveryMessage message;
        try {
            message = EventCodec.decode(Arrays.copyOfRange(datagram, MAGIC.length + 1, datagram.length),
                    DiscoveryMessage.class);
        } catch (EventCodec.MalformedMessageException e) {
            throw new RejectedDatagramException("malformed");
        }
        if (message.requestId() == null || message instanceof Request r && (r.app() == null || r.version() == null)
                || message instanceof Answer a && a.offer() == null) {
            throw new RejectedDatagramException("malformed");
        }
        return message;
    }

    /** A datagram dropped on arrival; {@link #reason()} is the metric tag. */
    final class RejectedDatagramException extends RuntimeException {
        public RejectedDatagramException(String reason) {
            super(reason, null, false, false);
        }

        public String reason() {
            return getMessage();
        }
    }
}
