package io.peerlift.device;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** device-service as the device gateway: no devices of its own, the topics on one side, agents on the other. */
public class GatewayProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("peerlift.device.mode", "gateway", "peerlift.device.gateway.max-pending-commands", "4");
    }
}
