package io.peerlift.rollout;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test that drives the service through a simulated fleet on the real broker and watches the commands it
 * publishes; both are opened on the first test of a class and closed after its last.
 */
abstract class FleetDrivenTest {

    static SimulatedFleet fleet;
    static CommandWatcher commands;

    @BeforeEach
    void connect() {
        if (fleet == null) {
            fleet = new SimulatedFleet(RolloutFixtures.uploadPackage(), RolloutFixtures.PAYLOAD.length);
            commands = CommandWatcher.commands();
        }
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        fleet.close();
        commands.close();
        fleet = null;
    }
}
