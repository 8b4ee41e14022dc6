package io.peerlift.profile;

import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.profile.domain.OutboxMessage;
import io.peerlift.profile.messaging.OutboxRelay;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * With the configuration topic's broker unreachable (device events still flow), a committed change stays in the
 * outbox for the next relay run: the relay marks nothing sent that Kafka did not acknowledge.
 */
@QuarkusTest
@TestProfile(OutboxBrokerOutageTest.ConfigBrokerUnreachable.class)
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class OutboxBrokerOutageTest {

    @Inject
    OutboxRelay relay;

    @Test
    void aConfigurationKafkaDidNotAcknowledgeStaysUnsent() {
        Fleet fleet = new Fleet();
        String device = fleet.join("d01", 2, "12.7.4");
        Api.effectiveConfig(device).body("revision", equalTo(1));

        assertThat(relay.relay()).isZero();
        assertThat(QuarkusTransaction.requiringNew().call(
                () -> OutboxMessage.count("deviceId = ?1 and sentAt is null", device))).isEqualTo(1);
    }

    public static class ConfigBrokerUnreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String channel = "mp.messaging.outgoing.device-config.";
            return Map.of(
                    // nothing listens on port 1 of the loopback: every send fails fast
                    channel + "bootstrap.servers", "127.0.0.1:1",
                    channel + "max.block.ms", "500",
                    channel + "request.timeout.ms", "500",
                    channel + "delivery.timeout.ms", "1000",
                    "peerlift.profile.outbox.ack-timeout", "2s",
                    // the scheduled relay stays out of the way of the one the test runs
                    "peerlift.profile.outbox.relay-interval", "1h");
        }
    }
}
