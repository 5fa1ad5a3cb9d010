package org.mtrrledger.projections.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.projections.StoreFixture;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.WebDriver;

/**
 * The web view in Debian's headless Chromium: pick the VM, drag the timeline back and watch the memtype map change,
 * click a zap marker and see its triggering event with its source line. Skipped when Chromium or chromedriver is
 * missing (.ci/run installs them). Leaves a screenshot in target/web-view.png (docs/web-view.png is one of them).
 */
class WebViewBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String VM = "ovmf-linux-4vcpu-0";

    @TempDir
    Path data;

    @Test
    void shouldTimeTravelTheMapAndShowAZapsTriggeringEvent() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM);
        assumeTrue(Files.isExecutable(CHROMEDRIVER), "no " + CHROMEDRIVER);
        List<MtrrEvent> log = ApiFixture.sample();
        StoreFixture.fold(data.resolve("store"), log, 16, 50);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createDirectories(data.resolve("chromium")), "--window-size=1400,1300");
        try (LedgerStore store = LedgerStore.open(data.resolve("store"), OpenMode.READ_ONLY);
                ApiServer server = ApiServer.start(store, new InetSocketAddress("127.0.0.1", 0), new ApiMetrics(),
                        Optional::empty)) {
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            try {
                driver.manage().window().setSize(new Dimension(1400, 1300));
                Waiter wait = new Waiter(driver);
                driver.get("http://127.0.0.1:" + server.port() + "/");

                // pick the VM (the page preselects a sole VM; choose it explicitly all the same)
                wait.until(d -> d.findElements(By.cssSelector("#vm option")).size() > 1);
                driver.findElement(By.cssSelector("#vm option[value='" + VM + "']")).click();
                wait.until(d -> VM.equals(d.findElement(By.tagName("body")).getDomAttribute("data-vm"))
                        && !signature(d).isEmpty());
                WebElement map = driver.findElement(By.id("map"));
                assertEquals(Integer.toString(log.size() - 1), map.getDomAttribute("data-offset"));
                String latest = signature(driver);
                assertTrue(driver.findElements(By.cssSelector("#map .range")).size() > 2);
                // the GFNs beyond the guest's MAXPHYADDR, in both rows of the map and in the table, and nowhere else
                assertEquals(2, driver.findElements(By.cssSelector("#map .range.beyond")).size());
                assertEquals(1, driver.findElements(By.cssSelector("#ranges tr.beyond")).size());
                assertTrue(latest.endsWith("-0x10000000000000:WB/WB"), latest);

                // drag the timeline back to early in the boot (before OVMF programmed the MTRRs): the map changes
                WebElement slider = driver.findElement(By.id("timeline"));
                assertEquals(Integer.toString(log.size() - 1), slider.getDomProperty("value"));
                ((JavascriptExecutor) driver).executeScript(
                        "const s = arguments[0]; s.value = 12; s.dispatchEvent(new Event('input'));", slider);
                wait.until(d -> "12".equals(d.findElement(By.id("map")).getDomAttribute("data-offset")));
                String early = signature(driver);
                assertNotEquals(latest, early, "the memtype map must change between offset 12 and the end");
                // and by keyboard, one event forward
                slider.sendKeys(org.openqa.selenium.Keys.ARROW_RIGHT);
                wait.until(d -> "13".equals(d.findElement(By.id("map")).getDomAttribute("data-offset")));
                assertTrue(driver.findElement(By.id("current-event")).getText().contains("@13"));

                // the zap markers per policy: click one of per-vm-dirty's
                List<WebElement> markers = driver.findElements(By.cssSelector(
                        ".zap-marker[data-policy='per-vm-dirty']"));
                assertTrue(!markers.isEmpty(), "per-vm-dirty zaps on the timeline");
                assertEquals(8, driver.findElements(By.cssSelector("#zap-lanes .lane")).size());
                WebElement marker = markers.get(markers.size() / 2);
                String offset = marker.getDomAttribute("data-offset");
                marker.click();
                Pattern source = Pattern.compile(Pattern.quote(ApiFixture.SAMPLE) + ":\\d+");
                wait.until(d -> source.matcher(d.findElement(By.id("detail")).getText()).find());
                String detail = driver.findElement(By.id("detail")).getText();
                // StoreFixture folds event i at offset i
                long line = ((FilePosition) log.get(Integer.parseInt(offset)).getSource()).getLine();
                assertTrue(detail.contains(ApiFixture.SAMPLE + ":" + line), detail);
                assertTrue(detail.contains("per-vm-dirty"), detail);
                assertTrue(detail.contains("@" + offset), detail);
                // the click moved the timeline to the trigger
                wait.until(d -> offset.equals(d.findElement(By.id("map")).getDomAttribute("data-offset")));
                assertEquals(8, driver.findElements(By.cssSelector("#policies tbody tr")).size());

                Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
                Path out = Path.of("target", "web-view.png");
                Files.createDirectories(out.getParent());
                Files.copy(shot, out, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                driver.quit();
            }
        }
    }

    /** Polls a condition on the page for up to 20 s (selenium-support's WebDriverWait, without the dependency). */
    record Waiter(WebDriver driver) {
        void until(Predicate<WebDriver> condition) {
            try {
                Awaitility.await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(50))
                        // the page is still being drawn
                        .ignoreExceptionsInstanceOf(org.openqa.selenium.NoSuchElementException.class)
                        .ignoreExceptionsInstanceOf(org.openqa.selenium.StaleElementReferenceException.class)
                        .until(() -> condition.test(driver));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("timed out; page text:\n" + driver.findElement(By.tagName("body")).getText(),
                        e);
            }
        }
    }

    static String signature(WebDriver d) {
        String s = d.findElement(By.id("map")).getDomAttribute("data-signature");
        return s == null ? "" : s;
    }
}
