package dev.lifeline.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Probe;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live page in a real headless Chromium: a row turns from alive to dead without a reload and
 * moves to the top; the host's name and a count per state head the page; a beating holder's
 * figures stay fresh though its state never changes.
 */
class StatusPageTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    @Test
    void aRowTurnsDeadWithoutAReload() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("the Debian packages 'chromium' and 'chromium-driver' must be installed (.ci/run installs them)")
                .isTrue();
        Path beacons = Files.createDirectory(dir.resolve("beacons"));
        Process holder = Fixtures.holder(beacons.resolve("daemon"));
        Process other = Fixtures.holder(beacons.resolve("worker"));
        Process clock = Fixtures.holder(beacons.resolve("clock"), Duration.ofSeconds(2)); // beats every 0.67 s
        ChromeDriver browser = null;
        try (Server server = Server.start(new InetSocketAddress("127.0.0.1", 0),
                List.of(beacons, dir.resolve("gone")))) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1100,480",
                    "--user-data-dir=" + Files.createDirectory(dir.resolve("chromium-profile")));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            browser = new ChromeDriver(service, options);
            browser.get("http://127.0.0.1:" + server.address().getPort() + "/");
            ChromeDriver b = browser;
            WebDriverWait wait = new WebDriverWait(browser, Fixtures.DEADLINE);
            wait.until(d -> "alive".equals(b.findElement(By.id("beacon-daemon")).getAttribute("class")));
            wait.until(d -> "alive".equals(b.findElement(By.id("beacon-worker")).getAttribute("class")));
            wait.until(d -> "alive".equals(b.findElement(By.id("beacon-clock")).getAttribute("class")));
            wait.until(d -> "absent".equals(b.findElement(By.id("beacon-gone")).getAttribute("class")));
            String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("lifeline on " + host);
            assertThat(browser.getTitle()).isEqualTo("lifeline on " + host);
            assertThat(rowIds(browser)).as("the worst first: absent before alive, then by name")
                    .containsExactly("beacon-gone", "beacon-clock", "beacon-daemon", "beacon-worker");
            assertThat(browser.findElement(By.id("counts")).getText()).isEqualTo("1 absent, 3 alive");

            // The clock's state never changes, so the Watcher reports it once; what the page shows
            // must follow its beats all the same.
            Probe probe = Probe.of(beacons.resolve("clock"));
            Instant first = null;
            Instant seen = Instant.EPOCH;
            for (int beat = 0; beat < 6; beat++) {
                Instant previous = seen;
                seen = Fixtures.awaitGently("a beat after " + previous, probe::check,
                        s -> s.lastBeat().isPresent() && s.lastBeat().get().isAfter(previous)).lastBeat().orElseThrow();
                first = first == null ? seen : first;
                Instant beaten = seen;
                wait.until(d -> !Instant.parse((String) b.executeScript("return beacons.get('clock').last_beat"))
                        .isBefore(beaten));
            }
            assertThat(Duration.between(first, seen)).as("beats seen over longer than the first promise")
                    .isGreaterThan(Duration.ofSeconds(2));
            wait.until(d -> b.findElement(By.cssSelector("#beacon-clock .deadline")).getText().startsWith("in "));
            assertThat(b.findElement(By.cssSelector("#beacon-clock .beat")).getText()).as("at most a beat, the stream's second and the page's second old")
                    .matches("[0-2]\\.[0-9] s ago");
            Object before = browser.executeScript("return performance.getEntriesByType('navigation').length");

            Fixtures.kill9(holder);
            wait.until(d -> "dead".equals(b.findElement(By.id("beacon-daemon")).getAttribute("class")));
            assertThat(browser.findElement(By.cssSelector("#beacon-daemon .state")).getText()).isEqualToIgnoringCase("dead");
            assertThat(browser.findElement(By.id("beacon-worker")).getAttribute("class")).isEqualTo("alive");
            wait.until(d -> rowIds(b).get(0).equals("beacon-daemon"));
            assertThat(rowIds(browser)).as("the dead row first, without a reload")
                    .containsExactly("beacon-daemon", "beacon-gone", "beacon-clock", "beacon-worker");
            assertThat(browser.findElement(By.id("counts")).getText()).isEqualTo("1 dead, 1 absent, 2 alive");
            assertThat(browser.executeScript("return performance.getEntriesByType('navigation').length"))
                    .as("no reload").isEqualTo(before);

            File shot = browser.getScreenshotAs(OutputType.FILE);
            Path target = Path.of("target", "status-page.png");
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(target)).isPositive();
        } finally {
            if (browser != null) {
                browser.quit();
            }
            holder.destroyForcibly();
            other.destroyForcibly();
            clock.destroyForcibly();
        }
    }

    private static List<String> rowIds(ChromeDriver browser) {
        return browser.findElements(By.cssSelector("#beacons tr")).stream().map(r -> r.getAttribute("id")).toList();
    }
}
