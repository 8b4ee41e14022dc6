package io.peerlift.profile;

import io.peerlift.events.EventCodec;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.peerlift.localstack.TestTokens.asAdmin;
import static io.peerlift.localstack.TestTokens.asOperator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

/**
 * An admin replays a dead-letter topic: what was parked reaches its consumers again, and the replay is in
 * the audit trail; nobody else may.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class DeadLetterReplayTest {

    private final Fleet fleet = new Fleet();

    @Test
    void aReplayedDeadLetterIsAppliedOnceAndTheReplayIsAudited() {
        String deadLetters = Topics.deadLetterOf(Topics.DEVICE_EVENTS);
        // Parked while the cause was elsewhere (as an older release did during a database outage): valid now.
        fleet.sendRaw(deadLetters, EventCodec.encode(fleet.announced("parked", 5, "11.11.150", 1)));
        asAdmin().post("/api/admin/dead-letters/{topic}/replay", Topics.DEVICE_EVENTS).then().statusCode(200)
                .body("topic", equalTo(Topics.DEVICE_EVENTS))
                .body("deadLetterTopic", equalTo(deadLetters))
                .body("records", greaterThanOrEqualTo(1));
        Fleet.awaitDevice(fleet.id("parked"), "11.11.150");

        asAdmin().queryParam("size", 1).get("/api/audit").then().statusCode(200)
                .body("entries[0].method", equalTo("POST"))
                .body("entries[0].target", equalTo("/api/admin/dead-letters/" + Topics.DEVICE_EVENTS + "/replay"));
    }

    @Test
    void onlyAnAdminReplaysAndOnlyTheContractsTopics() {
        asOperator().post("/api/admin/dead-letters/{topic}/replay", Topics.DEVICE_EVENTS).then().statusCode(403);
        asAdmin().post("/api/admin/dead-letters/{topic}/replay", "no-such-topic").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("peerlift.device-events"));
    }
}
