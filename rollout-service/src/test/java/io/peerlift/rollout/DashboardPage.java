package io.peerlift.rollout;

import org.awaitility.core.ThrowingRunnable;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a fresh headless Chromium, read the way a person reads it: the text shown, which buttons
 * can be pressed, what the console complained about.
 */
final class DashboardPage implements AutoCloseable {

    static final Path TARGET = Path.of("target");
    /** The page redraws when a snapshot arrives; a loaded machine can take a while to get it there. */
    private static final Duration REDRAW_LIMIT = Duration.ofSeconds(60);
    private static final long MIB = 1024 * 1024;

    private final ChromeDriver browser;

    private DashboardPage(ChromeDriver browser) {
        this.browser = browser;
    }

    /** Installs Chromium if needed (or skips / fails the test as {@link HeadlessChromium} says) and opens a browser. */
    static DashboardPage openBrowser() throws IOException {
        HeadlessChromium.ensureInstalled(TARGET);
        return new DashboardPage(HeadlessChromium.start(Files.createTempDirectory("dashboard-chromium-"), 1440, 1280));
    }

    /**
     * Opens the dashboard as a link from bin/demo does, with the token in the fragment, and checks the page moved it
     * out of the address bar into the tab's session storage.
     */
    void open(URL dashboard, String token) {
        open(dashboard, token, "");
    }

    /** The same, with more of the fragment after the token, such as {@code rollout=<id>}. */
    void open(URL dashboard, String token, String fragment) {
        browser.get(dashboard + "#token=" + token + (fragment.isEmpty() ? "" : "&" + fragment));
        await().atMost(REDRAW_LIMIT).untilAsserted(() -> {
            assertThat(browser.getCurrentUrl()).as("the address bar keeps no token").doesNotContain("token");
            assertThat(browser.executeScript("return sessionStorage.getItem('peerlift.token')")).isEqualTo(token);
        });
    }

    ChromeDriver browser() {
        return browser;
    }

    String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    boolean enabled(String id) {
        return browser.findElement(By.id(id)).isEnabled();
    }

    void click(String css) {
        browser.findElement(By.cssSelector(css)).click();
    }

    /**
     * The console's errors but those of the devices of a subnet in detail that the service refused with a 404: a
     * rollout of synthetic status records has no devices in the service's database.
     */
    List<LogEntry> consoleErrorsButUnknownDevices() {
        return consoleErrors().stream().filter(entry -> !(entry.getMessage().contains("/devices?subnet=")
                && entry.getMessage().contains("status of 404"))).toList();
    }

    List<LogEntry> consoleErrors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
    }

    void screenshot(String fileName) throws IOException {
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(TARGET);
        Files.copy(shot, TARGET.resolve(fileName), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Retries {@code assertions} until they hold, as the page redraws when snapshots arrive. */
    static void eventually(ThrowingRunnable assertions) {
        await().atMost(REDRAW_LIMIT).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(assertions);
    }

    /** How the page shows a byte count: binary units, one decimal. */
    static String shownBytes(long bytes) {
        return bytes == 0 ? "0 B" : bytes < 1024 * MIB ? String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB)
                : String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1024 * MIB));
    }

    @Override
    public void close() {
        browser.quit();
    }
}
