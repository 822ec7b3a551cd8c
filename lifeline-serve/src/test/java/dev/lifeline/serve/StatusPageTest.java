package dev.lifeline.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The live page in a real headless Chromium: a row turns from alive to dead without a reload. */
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
        ChromeDriver browser = null;
        try (Server server = Server.start(new InetSocketAddress("127.0.0.1", 0), List.of(beacons))) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1100,400",
                    "--user-data-dir=" + Files.createDirectory(dir.resolve("chromium-profile")));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            browser = new ChromeDriver(service, options);
            browser.get("http://127.0.0.1:" + server.address().getPort() + "/");
            ChromeDriver b = browser;
            WebDriverWait wait = new WebDriverWait(browser, Fixtures.DEADLINE);
            wait.until(d -> "alive".equals(b.findElement(By.id("beacon-daemon")).getAttribute("class")));
            wait.until(d -> "alive".equals(b.findElement(By.id("beacon-worker")).getAttribute("class")));
            Object before = browser.executeScript("return performance.getEntriesByType('navigation').length");

            Fixtures.kill9(holder);
            wait.until(d -> "dead".equals(b.findElement(By.id("beacon-daemon")).getAttribute("class")));
            assertThat(browser.findElement(By.cssSelector("#beacon-daemon .state")).getText()).isEqualToIgnoringCase("dead");
            assertThat(browser.findElement(By.id("beacon-worker")).getAttribute("class")).isEqualTo("alive");
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
        }
    }
}
