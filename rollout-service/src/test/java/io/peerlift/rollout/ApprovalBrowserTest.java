package io.peerlift.rollout;

import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.localstack.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.io.IOException;
import java.net.URL;
import java.util.Map;
import java.util.UUID;

import static io.peerlift.rollout.DashboardPage.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Approval on the dashboard in headless Chromium: a rollout that needs an approver is shown WAITING FOR APPROVAL
 * (it commands nobody, only Cancel can be pressed); once another approver denies it the page shows APPROVAL
 * DENIED with who denied it and why, and once one approves another it shows that one RUNNING.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class ApprovalBrowserTest {

    @TestHTTPResource("/")
    URL dashboard;

    private final String operator = "olga-" + UUID.randomUUID();
    private final String approver = "abby-" + UUID.randomUUID();
    private DashboardPage page;

    @BeforeEach
    void openBrowser() throws IOException {
        page = DashboardPage.openBrowser();
    }

    @AfterEach
    void closeBrowser() {
        if (page != null) {
            page.close();
        }
    }

    @Test
    void theDashboardShowsARolloutWaitingForApprovalThenDeniedAndAnotherApprovedAndRunning() throws IOException {
        page.open(dashboard, TestTokens.operator());
        String denied = waitingRollout();
        String approved = waitingRollout();

        select(denied);
        eventually(() -> {
            assertThat(page.text(row(denied))).contains("WAITING FOR APPROVAL");
            assertThat(shown(denied, "#rollout-state")).isEqualTo("WAITING FOR APPROVAL");
            assertThat(page.enabled("pause")).as("Pause enabled").isFalse();
            assertThat(page.enabled("resume")).as("Resume enabled").isFalse();
            assertThat(page.enabled("cancel")).as("Cancel enabled").isTrue();
        });
        page.screenshot("approval-waiting.png");

        decide(denied, "deny?remark=freeze-week").body("state", equalTo("APPROVAL_DENIED"));
        eventually(() -> {
            assertThat(shown(denied, "#rollout-state")).isEqualTo("APPROVAL DENIED");
            assertThat(shown(denied, "#rollout-reason")).isEqualTo("denied by " + approver + ": freeze-week");
            assertThat(page.text(row(denied))).contains("APPROVAL DENIED");
            assertThat(page.enabled("cancel")).as("Cancel enabled once denied").isFalse();
        });
        page.screenshot("approval-denied.png");

        decide(approved, "approve?remark=CAB-4711").body("state", equalTo("RUNNING"));
        select(approved);
        eventually(() -> {
            assertThat(shown(approved, "#rollout-state")).isEqualTo("RUNNING");
            assertThat(shown(approved, "#rollout-reason")).isEqualTo("started on approval by " + approver);
            assertThat(page.text(row(approved))).contains("RUNNING");
            assertThat(page.enabled("pause")).as("Pause enabled once running").isTrue();
        });
        assertThat(page.consoleErrorsButUnknownDevices()).isEmpty();
    }

    /** A rollout over a folder of its own, created by {@link #operator}, that waits for an approver. */
    private String waitingRollout() {
        RolloutFixtures.uploadPackage();
        return TestTokens.as(TestTokens.token(operator, "operator")).contentType(ContentType.JSON)
                .body(Map.of("folderId", RolloutFixtures.folderWithOneDevice(), "app", RolloutFixtures.APP,
                        "version", SimulatedFleet.TARGET, "approvalRequired", true))
                .post("/api/rollouts").then().statusCode(201)
                .body("state", equalTo("WAITING_FOR_APPROVAL"))
                .extract().path("id");
    }

    private ValidatableResponse decide(String rolloutId, String decision) {
        return TestTokens.as(TestTokens.token(approver, "approver"))
                .post("/api/rollouts/" + rolloutId + "/" + decision).then().statusCode(200);
    }

    private void select(String rolloutId) {
        eventually(() -> {
            page.click(row(rolloutId));
            assertThat(page.browser().findElements(By.cssSelector(
                    "#rollout[data-rollout-id='" + rolloutId + "']"))).isNotEmpty();
        });
    }

    private static String row(String rolloutId) {
        return "#rollouts tr[data-rollout-id='" + rolloutId + "']";
    }

    private String shown(String rolloutId, String part) {
        return page.text("#rollout[data-rollout-id='" + rolloutId + "'] " + part);
    }
}
