package io.peerlift.rollout;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * Debian's Chromium and chromedriver for browser tests, installed with apt-get when missing (CI runs as root).
 * Where they are missing and cannot be installed the test fails in CI ({@code CI=true}) and is skipped, with the
 * reason, on a developer's machine.
 */
final class HeadlessChromium {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static final long INSTALL_TIMEOUT_MINUTES = 15;

    private HeadlessChromium() {
    }

    /** Installs Chromium and chromedriver unless both are there; fails or skips the test when it cannot. */
    static synchronized void ensureInstalled(Path logDir) {
        if (installed()) {
            return;
        }
        String problem = install(logDir);
        if (installed()) {
            return;
        }
        String message = "The browser test needs " + CHROMIUM + " and " + CHROMEDRIVER + " (Debian packages chromium and "
                + "chromium-driver) and could not install them: " + problem
                + ". Install them with: apt-get update && apt-get install -y chromium chromium-driver";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
    }

    /** A fresh headless browser with its own profile under {@code userDataDir}; quit it when done. */
    static ChromeDriver start(Path userDataDir, int width, int height) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + userDataDir.toAbsolutePath(), "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL); // so that a test can check the page's console for errors
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Runs apt-get as root; returns what went wrong if the programs are still missing afterwards. */
    private static String install(Path logDir) {
        if (!runsAsRoot()) {
            return "not running as root";
        }
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve("chromium-install.log");
            for (List<String> command : List.of(List.of("apt-get", "update"),
                    List.of("apt-get", "install", "-y", "chromium", "chromium-driver"))) {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
                Process process = builder.start();
                if (!process.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    return String.join(" ", command) + " took longer than " + INSTALL_TIMEOUT_MINUTES + " minutes";
                }
                if (process.exitValue() != 0) {
                    return String.join(" ", command) + " exited with " + process.exitValue() + " (see " + log + ")";
                }
            }
            return "apt-get installed the packages, yet the programs are not there";
        } catch (IOException e) {
            return "apt-get could not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while installing";
        }
    }

    private static boolean runsAsRoot() {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(id.getInputStream().readAllBytes()).trim();
            return id.waitFor() == 0 && uid.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
