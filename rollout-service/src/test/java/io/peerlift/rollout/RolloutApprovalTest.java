package io.peerlift.rollout;

import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.localstack.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.peerlift.localstack.TestTokens.as;
import static io.peerlift.localstack.TestTokens.asAdmin;
import static io.peerlift.localstack.TestTokens.asViewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Approval with hawkBit's semantics over REST, with real tokens: a rollout that needs approval waits once its
 * devices are taken in; an approver other than its creator approves (it starts) or denies it (terminal); every
 * decision is in the audit trail, every refusal is problem+json.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class RolloutApprovalTest {

    private final String operator = "olivia-" + UUID.randomUUID();
    private final String approver = "abby-" + UUID.randomUUID();

    private static RequestSpecification asUser(String subject, String role) {
        return as(TestTokens.token(subject, role));
    }

    /** A rollout over a folder of its own, created by {@link #operator}, that needs approval. */
    private String waitingRollout() {
        RolloutFixtures.uploadPackage();
        String id = asUser(operator, "operator").contentType(ContentType.JSON)
                .body(Map.of("folderId", RolloutFixtures.folderWithOneDevice(), "app", RolloutFixtures.APP,
                        "version", SimulatedFleet.TARGET, "approvalRequired", true))
                .post("/api/rollouts").then().statusCode(201)
                .body("state", equalTo("WAITING_FOR_APPROVAL"))
                .body("approvalRequired", equalTo(true))
                .body("createdBy", equalTo(operator))
                .body("startedAt", nullValue())
                .extract().path("id");
        assertThat(RolloutFixtures.count(id, "COMMANDED")).as("nothing is commanded before approval").isZero();
        return id;
    }

    @Test
    void anApprovedRolloutStartsAndRecordsWhoApprovedItAndWhy() {
        String id = waitingRollout();

        asUser(approver, "approver").post("/api/rollouts/{id}/approve?remark=CAB-4711", id).then().statusCode(200)
                .body("state", equalTo("RUNNING"))
                .body("stateReason", equalTo("started on approval by " + approver))
                .body("approvalDecidedBy", equalTo(approver))
                .body("approvalRemark", equalTo("CAB-4711"))
                .body("approvalDecidedAt", notNullValue())
                .body("startedAt", notNullValue());
        assertThat(RolloutFixtures.count(id, "COMMANDED")).isEqualTo(1);

        asUser(approver, "approver").post("/api/rollouts/{id}/approve", id).then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("cannot approve rollout " + id + ": it is RUNNING, and approve applies only "
                        + "to a rollout that is WAITING_FOR_APPROVAL"));
    }

    @Test
    void fourEyesTheCreatorMayNotDecideOnItsOwnRolloutEvenAsAnApprover() {
        String id = waitingRollout();

        asUser(operator, "approver").post("/api/rollouts/{id}/approve", id).then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:four-eyes"))
                .body("detail", equalTo("cannot approve rollout " + id + ": '" + operator + "' created it, and four "
                        + "eyes are needed: another approver decides"));
        asUser(operator, "admin").post("/api/rollouts/{id}/deny?remark=mine", id).then().statusCode(403);
        asViewer().get("/api/rollouts/{id}", id).then().body("state", equalTo("WAITING_FOR_APPROVAL"));
    }

    @Test
    void approvingNeedsTheApproverRoleWhichAdminsHaveAndOperatorsDoNot() {
        String id = waitingRollout();

        asUser("otto-" + UUID.randomUUID(), "operator").post("/api/rollouts/{id}/approve", id).then()
                .statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:forbidden"))
                .body("detail", startsWith("this needs the role approver"));
        asUser(approver, "approver").post("/api/rollouts/{id}/pause", id).then().statusCode(403);
        asUser(approver, "approver").get("/api/rollouts/{id}", id).then().statusCode(200);

        asAdmin().post("/api/rollouts/{id}/approve", id).then().statusCode(200).body("state", equalTo("RUNNING"))
                .body("approvalDecidedBy", equalTo("test-admin")).body("approvalRemark", nullValue());
    }

    @Test
    void aDeniedRolloutEndsWithoutCommandingAnythingAndFreesItsFolder() {
        String id = waitingRollout();
        long folder = RolloutFixtures.rollout(id).getLong("folderId");

        asUser(approver, "approver").post("/api/rollouts/{id}/deny", id).then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", startsWith("deny needs a remark"));
        asUser(approver, "approver").post("/api/rollouts/{id}/deny?remark={r}", id, "x".repeat(1025)).then()
                .statusCode(400).body("detail", equalTo("remark is 1025 characters long, at most 1024 are kept"));
        asUser(approver, "approver").post("/api/rollouts/{id}/deny?remark=freeze-week", id).then().statusCode(200)
                .body("state", equalTo("APPROVAL_DENIED"))
                .body("stateReason", equalTo("denied by " + approver + ": freeze-week"))
                .body("finishedAt", notNullValue())
                .body("startedAt", nullValue());

        assertThat(RolloutFixtures.count(id, "COMMANDED")).isZero();
        asUser(approver, "approver").post("/api/rollouts/{id}/approve", id).then().statusCode(409);
        asUser(operator, "operator").post("/api/rollouts/{id}/start", id).then().statusCode(409);
        asUser(operator, "operator").post("/api/rollouts/{id}/cancel", id).then().statusCode(409);
        asUser(operator, "operator").post("/api/rollouts/{id}/archive", id).then().statusCode(200);
        // A denied rollout is finished: it no longer holds its folder's devices.
        asUser(operator, "operator").contentType(ContentType.JSON)
                .body(Map.of("folderId", folder, "app", RolloutFixtures.APP, "version", SimulatedFleet.TARGET))
                .post("/api/rollouts").then().statusCode(201).body("state", equalTo("RUNNING"));
    }

    @Test
    void aRolloutThatWaitsForApprovalCanBeCancelled() {
        String id = waitingRollout();
        asUser(operator, "operator").post("/api/rollouts/{id}/cancel", id).then().statusCode(200);
        asViewer().get("/api/rollouts/{id}", id).then().body("state", equalTo("CANCELLED"));
    }

    @Test
    void everyDecisionIsAuditedWithTheApproverAndTheRemark() {
        String approved = waitingRollout();
        String denied = waitingRollout();
        asUser(approver, "approver").post("/api/rollouts/{id}/approve?remark=CAB-1", approved).then().statusCode(200);
        asUser(approver, "approver").post("/api/rollouts/{id}/deny?remark=CAB-2", denied).then().statusCode(200);
        // A refused decision changed nothing and is not recorded.
        asUser(approver, "approver").post("/api/rollouts/{id}/deny?remark=again", denied).then().statusCode(409);

        List<Map<String, Object>> entries = asAdmin().queryParam("size", 500).get("/api/audit").then()
                .statusCode(200).extract().jsonPath().getList("entries");
        assertThat(entries).filteredOn(e -> e.get("subject").equals(approver))
                .extracting(e -> e.get("method") + " " + e.get("target") + " " + e.get("roles"))
                .containsExactly("POST /api/rollouts/" + denied + "/deny?remark=CAB-2 approver,viewer",
                        "POST /api/rollouts/" + approved + "/approve?remark=CAB-1 approver,viewer");
    }
}
