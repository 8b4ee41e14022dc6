package io.peerlift.profile.domain;

import java.util.List;

/**
 * One reason a peer upgrade of a folder would fail or go worse than planned, and the devices it concerns (empty
 * when it concerns none).
 *
 * @param subnet the subnet the problem is found in, null for a problem of single devices
 */
public record ConsistencyProblem(Code code, Severity severity, String subnet, String message,
                                 List<String> deviceIds) {

    /** ERROR: devices will not upgrade from their peers (a rollout should not start); WARNING: worth knowing. */
    public enum Severity {
        ERROR,
        WARNING
    }

    public enum Code {
        /** OS 11 devices below 11.11.150 cannot take part in a peer upgrade. */
        OS11_BELOW_MINIMUM(Severity.ERROR),
        /**
         * OS 11 devices that do not send discovery requests: their downloads fail under PEER_THEN_WAN and
         * PEER_ONLY.
         */
        DISCOVERY_DISABLED(Severity.ERROR),
        /**
         * OS 11 devices that do not send discovery requests but may use the WAN without
         * ({@code peerlift.update.wan_without_discovery}): under PEER_THEN_WAN they download straight from it.
         */
        WAN_WITHOUT_DISCOVERY(Severity.WARNING),
        /** Devices whose merged discovery port equals their server port (set by different profiles). */
        PORT_COLLISION(Severity.ERROR),
        /**
         * OS 12 devices that enable HTTPS on their HTTP server's or discovery's port: they do not start HTTPS
         * (downloaders that need it find no peer).
         */
        HTTPS_PORT_COLLISION(Severity.ERROR),
        /** OS 11 devices broadcast on a port their subnet's OS 12 peers do not listen on. */
        DISCOVERY_PORT_MISMATCH(Severity.ERROR),
        /** OS 11 devices download from a port their subnet's OS 12 peers do not serve on. */
        DOWNLOAD_SERVER_PORT_MISMATCH(Severity.ERROR),
        /** No OS 12 device of the subnet serves, and none of its OS 11 devices will after its upgrade. */
        NO_PEER_SERVER(Severity.ERROR),
        /** No OS 12 device of the subnet serves yet: one device downloads from the WAN, then serves the rest. */
        WAN_SEED_NEEDED(Severity.WARNING),
        /** OS 11 devices that will not serve their subnet after their upgrade. */
        NOT_A_PEER_AFTER_UPGRADE(Severity.WARNING),
        /** OS 12 devices that serve but do not answer discovery, so no OS 11 device finds them. */
        PEER_NOT_DISCOVERABLE(Severity.WARNING),
        /** The peers of one subnet accept different numbers of parallel downloads. */
        CONNECTION_LIMITS_DIFFER(Severity.WARNING),
        /** OS 12 devices of the folder below 12.7.4 cannot act as peer update servers. */
        OS12_BELOW_MINIMUM(Severity.WARNING);

        private final Severity severity;

        Code(Severity severity) {
            this.severity = severity;
        }

        public Severity severity() {
            return severity;
        }
    }

    public ConsistencyProblem {
        deviceIds = List.copyOf(deviceIds);
    }

    static ConsistencyProblem of(Code code, String subnet, String message, List<String> deviceIds) {
        return new ConsistencyProblem(code, code.severity(), subnet, message, deviceIds);
    }
}
