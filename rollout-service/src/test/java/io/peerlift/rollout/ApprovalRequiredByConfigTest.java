package io.peerlift.rollout;

import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.localstack.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.peerlift.localstack.TestTokens.asAdmin;
import static io.peerlift.localstack.TestTokens.asOperator;
import static org.hamcrest.Matchers.equalTo;

/** With {@code peerlift.rollout.approval.required} every rollout waits for an approver, and no request turns it off. */
@QuarkusTest
@TestProfile(ApprovalRequiredByConfigTest.ApprovalRequired.class)
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class ApprovalRequiredByConfigTest {

    public static class ApprovalRequired implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(TestTokens.issuer().quarkusConfig());
            config.put("peerlift.rollout.approval.required", "true");
            return config;
        }
    }

    private static Map<String, Object> request(Map<String, Object> extra) {
        RolloutFixtures.uploadPackage();
        Map<String, Object> body = new HashMap<>(extra);
        body.put("folderId", RolloutFixtures.folderWithOneDevice());
        body.put("app", RolloutFixtures.APP);
        body.put("version", SimulatedFleet.TARGET);
        return body;
    }

    @Test
    void aRolloutThatDoesNotAskStillWaitsForAnApprover() {
        String id = asOperator().contentType(ContentType.JSON).body(request(Map.of())).post("/api/rollouts").then()
                .statusCode(201).body("state", equalTo("WAITING_FOR_APPROVAL"))
                .body("approvalRequired", equalTo(true)).extract().path("id");
        asAdmin().post("/api/rollouts/{id}/approve?remark=ok", id).then().statusCode(200)
                .body("state", equalTo("RUNNING"));
    }

    @Test
    void aRequestCannotTurnApprovalOff() {
        asOperator().contentType(ContentType.JSON).body(request(Map.of("approvalRequired", false)))
                .post("/api/rollouts").then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("approvalRequired cannot be false here: peerlift.rollout.approval.required "
                        + "is set, so every rollout waits for an approver"));
    }
}
