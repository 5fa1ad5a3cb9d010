package org.mtrrledger.projections.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.consume.LedgerWriter;
import org.mtrrledger.engine.consume.LogRecord;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.gen.NoncoherentDma;
import org.mtrrledger.events.gen.Scenarios;
import org.mtrrledger.events.gen.VcpuRange;
import org.mtrrledger.projections.StoreFixture;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web view in Debian's headless Chromium, on a store holding a generated 64-vCPU VM, a 512-vCPU VM and the
 * 4-vCPU sample: the page opens on the first VM; zoomed out, dense lanes are density bands and zooming (buttons,
 * wheel) and panning (drag) bring single zap marks back; next/previous zap and hazard by button and key; hazard
 * markers with their stale and demanded memtypes and the missing zap; the vCPU filter; a second map; deep links; the
 * selected zap following the cursor; a VM folded while the page is open appears without a reload; the sample's map
 * time-travels and a zap shows its source line. Skipped when Chromium or chromedriver is missing (.ci/run installs
 * them). Screenshots go to target/ (docs/web-view.png and docs/web-view-timeline-*.png are copies).
 */
class WebViewBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String SAMPLE_VM = "ovmf-linux-4vcpu-0";
    static final String BIG = "big064-0";
    static final String HUGE = "big512-0";

    @TempDir
    Path data;

    static List<MtrrEvent> generated(String prefix, int vcpus) {
        GeneratorSpec spec = GeneratorSpec.defaults().withVcpus(VcpuRange.exactly(vcpus)).withVmIdPrefix(prefix)
                .withNoncoherentDma(NoncoherentDma.BEFORE_BOOT)
                .withScenarios(Scenarios.NONE.withDmaTransfers(4, 2).withRuntimeMtrrAddDel(true));
        List<MtrrEvent> out = new ArrayList<>();
        BootLogGenerator.iterator(spec).forEachRemaining(out::add);
        return out;
    }

    @Test
    void shouldNavigateLargeVmsByTimeAxisZapsHazardsAndDeepLinks() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM);
        assumeTrue(Files.isExecutable(CHROMEDRIVER), "no " + CHROMEDRIVER);
        List<MtrrEvent> log = new ArrayList<>(generated("big064-", 64));
        int sampleFirst = log.size();
        List<MtrrEvent> sample = ApiFixture.sample();
        log.addAll(sample);
        log.addAll(generated("big512-", 512));
        StoreFixture.fold(data.resolve("store"), log, 1000, 500);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=" + Files.createDirectories(data.resolve("chromium")),
                "--window-size=1400,1300");
        try (LedgerStore store = LedgerStore.open(data.resolve("store"), OpenMode.PRIMARY, Durability.WAL_NO_SYNC,
                PolicyProjection.OUTPUTS);
                ApiServer server = ApiServer.start(store, new InetSocketAddress("127.0.0.1", 0), new ApiMetrics(),
                        Optional::empty)) {
            int port = server.port();
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            try {
                driver.manage().window().setSize(new Dimension(1400, 1300));
                Page page = new Page(driver);
                driver.get("http://127.0.0.1:" + port + "/");

                // several VMs: the page opens on the first one, on a time axis of trace timestamps
                page.until(d -> BIG.equals(page.attr("body", "data-vm")) && !page.attr("#map", "data-offset").isEmpty()
                        && page.exists("#timeline-view .lane.policy"));
                assertEquals("3", page.attr("body", "data-vms"));
                assertEquals("ts", page.attr("#timeline-view", "data-axis"));
                assertTrue(page.text("#timeline-view .lane.axis").matches("(?s).*\\d+\\.\\d{6}.*"),
                        page.text("#timeline-view .lane.axis"));
                // the whole log: thousands separators, and the densest lanes are bands rather than marks
                int bigEvents = sampleFirst;
                assertTrue(page.text("#window-label").contains(String.format(java.util.Locale.ROOT, "%,d events", bigEvents)),
                        page.text("#window-label"));
                assertTrue(page.exists(".lane.policy[data-mode='density'] canvas.zap-density"));
                assertEquals(8, driver.findElements(By.cssSelector("#timeline-view .lane.policy")).size());

                // zoom in with the buttons until v6.4's single zaps can be picked
                long whole = page.windowSpan();
                page.zoomInUntil(".lane.policy[data-policy='v6.4'] .zap-marker");
                assertTrue(page.windowSpan() < whole);
                page.until(d -> page.exists(".lane.policy[data-policy='v6.4'] .zap-marker"));
                // the wheel zooms in further and out again, a drag pans
                long span = page.windowSpan();
                page.js("const v = document.getElementById('timeline-view'); const r = v.querySelector('.axis .track')"
                        + ".getBoundingClientRect(); v.dispatchEvent(new WheelEvent('wheel', {deltaY: -100, clientX: "
                        + "r.left + r.width / 2, clientY: r.top + 5, bubbles: true, cancelable: true}));");
                page.until(d -> page.windowSpan() < span);
                page.click("#zoom-out");
                page.until(d -> page.windowSpan() >= span);
                long end = page.windowFrom();
                page.click("#pan-left");
                page.until(d -> page.windowFrom() < end);
                long from = page.windowFrom();
                page.js("const v = document.getElementById('timeline-view'); const r = v.querySelector('.axis .track')"
                        + ".getBoundingClientRect(); const y = r.top + 5;"
                        + "v.dispatchEvent(new MouseEvent('mousedown', {button: 0, clientX: r.left + 300, clientY: y, "
                        + "bubbles: true})); window.dispatchEvent(new MouseEvent('mousemove', {clientX: r.left + 100, "
                        + "clientY: y})); window.dispatchEvent(new MouseEvent('mouseup', {clientX: r.left + 100, "
                        + "clientY: y}));");
                page.until(d -> page.windowFrom() > from);

                // pick a single zap: the cursor goes to its trigger, its GFN range is overlaid on the map
                page.zoomInUntil(".lane.policy[data-policy='v6.4'] .zap-marker");
                String zapOffset = page.clickMark(".lane.policy[data-policy='v6.4'] .zap-marker", false)[0];
                page.until(d -> page.attr("#detail", "data-selected").startsWith("zap:v6.4:" + zapOffset + ":")
                        && zapOffset.equals(page.attr("#map", "data-offset")));
                page.until(d -> page.exists("#map .overlay.zap"));
                assertTrue(page.exists(".zap-marker.selected[data-offset='" + zapOffset + "']"));
                String detail = page.text("#detail");
                assertTrue(detail.contains("GFN [") && detail.contains("GPA ["), detail);
                shoot(driver, "web-view-timeline-64vcpu.png");

                // next/previous zap of the chosen policy, by button and by key
                page.choose("#policy", "v6.7");
                page.click("#next-zap");
                page.until(d -> page.selected().matches("zap:v6\\.7:\\d+:\\d+")
                        && page.selectedOffset() > Long.parseLong(zapOffset));
                long nextZap = page.selectedOffset();
                page.key("z");
                page.until(d -> page.selectedOffset() > nextZap && page.selected().startsWith("zap:v6.7:"));
                page.key(Keys.chord(Keys.SHIFT, "z"));
                page.until(d -> page.selectedOffset() == nextZap);
                page.click("#prev-zap");
                page.until(d -> page.selectedOffset() < nextZap && page.selected().startsWith("zap:v6.7:")
                        && page.cursor() == page.selectedOffset());

                // next hazard: a marker with the stale and demanded memtypes and the zap that would have cleared it
                long beforeHazard = page.cursor();
                page.click("#next-hazard");
                page.until(d -> page.selected().startsWith("hazard:") && page.selectedOffset() > beforeHazard);
                page.until(d -> page.exists("#detail .hazard-detail") && page.exists("#map .overlay.hazard"));
                String hz = page.text("#detail");
                assertTrue(hz.contains("stale memtype(s):") && hz.contains("the guest's MTRRs demand"), hz);
                assertTrue(hz.contains("The zap that would have cleared it: GFN ["), hz);
                long hazardAt = page.selectedOffset();
                page.key("h");
                page.until(d -> page.selectedOffset() > hazardAt && page.cursor() == page.selectedOffset());
                page.key(Keys.chord(Keys.SHIFT, "h"));
                page.until(d -> page.selected().startsWith("hazard:") && page.selectedOffset() <= hazardAt);
                // zoomed in far enough, the hazards are markers too: click one
                page.zoomInUntil(".hazard-marker");
                String[] hm = page.clickMark(".hazard-marker", false);
                String hmAt = hm[0];
                String hmPolicy = hm[1];
                page.until(d -> page.selected().startsWith("hazard:" + hmPolicy + ":" + hmAt));

                // the vCPU filter: the window counts vCPU 5's events, next zap is one vCPU 5 (or the VM) caused
                page.choose("#filter", "5");
                page.until(d -> page.text("#window-label").contains("of vCPU 5"));
                page.choose("#policy", "");
                page.click("#next-zap");
                page.until(d -> page.selected().startsWith("zap:") && page.text("#detail .trig")
                        .matches(".* on (vCPU 5|the VM) .*"));

                // two vCPUs side by side
                page.choose("#target", "0");
                page.choose("#compare", "63");
                page.until(d -> !page.attr("#map2", "data-signature").isEmpty());
                assertEquals("vCPU 0", page.text("#map-label"));
                assertEquals("vCPU 63", page.text("#map2-label"));

                // the selected-zap panel follows the cursor: the chosen policy's latest zap at or before it
                page.choose("#filter", "");
                page.choose("#policy", "v6.4");
                for (int i = 0; i < 2; i++) {
                    long c = page.cursor();
                    page.key(Keys.ARROW_RIGHT);
                    page.until(d -> page.cursor() > c);
                }
                page.until(d -> page.selected().startsWith("zap:v6.4:")
                        && page.selectedOffset() == lastZapAtOrBefore(port, "v6.4", page.cursor()));
                long cursor = page.cursor();
                long expected = page.selectedOffset();
                assertTrue(page.text("#detail-title").contains("latest at or before the cursor"));

                // deep link: the URL holds VM, offset, vCPUs, filter, policy, selection and window; it restores them
                String url = driver.getCurrentUrl();
                for (String key : List.of("vm=" + BIG, "at=" + cursor, "vcpu=0", "compare=63", "policy=v6.4",
                        "zap=v6.4%3A" + expected, "window=")) {
                    assertTrue(url.contains(key), key + " in " + url);
                }
                String selected = page.selected();
                long windowFrom = page.windowFrom();
                driver.get("about:blank");
                driver.get(url);
                page.until(d -> BIG.equals(page.attr("body", "data-vm"))
                        && Long.toString(cursor).equals(page.attr("#map", "data-offset"))
                        && selected.equals(page.selected()) && !page.attr("#map2", "data-signature").isEmpty());
                page.until(d -> page.windowFrom() == windowFrom);
                assertEquals("63", page.value("#compare"));
                assertEquals("v6.4", page.value("#policy"));

                // a VM folded while the page is open appears without a reload
                page.js("window.notReloaded = true;");
                EventCodec codec = new EventCodec();
                List<LogRecord> late = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    MtrrEvent e = MtrrEvent.newBuilder(sample.get(i)).setVm("late-vm").build();
                    late.add(new LogRecord(StoreFixture.TOPIC, 1, i, "late-vm", codec.encode(e)));
                }
                new LedgerWriter(store, new Pipeline(new PolicyProjection()), 1000, PoisonPolicy.FAIL).apply(late);
                page.until(d -> page.exists("#vm option[value='late-vm']"));
                assertEquals(Boolean.TRUE, page.js("return window.notReloaded === true;"));

                // the 512-vCPU VM: bounded answers, bands when zoomed out, single zaps after zooming in
                JsonNode tl = ApiFixture.get(port, "/api/vms/" + HUGE + "/timeline?buckets=2000").json();
                assertTrue(tl.toString().length() < 200_000, "timeline of 71k events: " + tl.toString().length());
                page.choose("#vm", HUGE);
                page.until(d -> HUGE.equals(page.attr("body", "data-vm"))
                        && page.exists(".lane.policy[data-mode='density']"));
                shoot(driver, "web-view-timeline-512vcpu.png");
                page.zoomInUntil(".lane.policy[data-policy='v6.7'] .zap-marker");
                String oneAt = page.clickMark(".lane.policy[data-policy='v6.7'] .zap-marker", false)[0];
                page.until(d -> page.selected().startsWith("zap:v6.7:" + oneAt + ":"));

                // the sample: time travel of the map, GPA/GFN columns, a zap's source line
                page.choose("#vm", SAMPLE_VM);
                int last = sampleFirst + sample.size() - 1;
                page.until(d -> SAMPLE_VM.equals(page.attr("body", "data-vm"))
                        && Integer.toString(last).equals(page.attr("#map", "data-offset")));
                assertEquals(2, driver.findElements(By.cssSelector("#map .range.beyond")).size());
                assertEquals(1, driver.findElements(By.cssSelector("#ranges tr.beyond")).size());
                String latest = signature(driver);
                assertTrue(latest.endsWith("-0x10000000000000:WB/WB"), latest);
                assertTrue(page.text("#ranges thead").contains("GPA start") && page.text("#ranges thead")
                        .contains("GFN start"));
                String early = driver.getCurrentUrl().replaceAll("at=\\d+", "at=" + (sampleFirst + 12))
                        .replaceAll("&?zap=[^&]*", "");
                driver.get(early);
                page.until(d -> Integer.toString(sampleFirst + 12).equals(page.attr("#map", "data-offset")));
                assertNotEquals(latest, signature(driver), "the memtype map changes between event 13 and the end");
                page.key(Keys.ARROW_RIGHT);
                page.until(d -> Integer.toString(sampleFirst + 13).equals(page.attr("#map", "data-offset")));
                assertTrue(page.text("#current-event").contains("@" + String.format(java.util.Locale.ROOT, "%,d", sampleFirst + 13)));
                page.click("#zoom-reset");
                String offset = page.clickMark(".zap-marker[data-policy='per-vm-dirty']", true)[0];
                Pattern source = Pattern.compile(Pattern.quote(ApiFixture.SAMPLE) + ":(\\d+)");
                page.until(d -> source.matcher(page.text("#detail")).find()
                        && offset.equals(page.attr("#map", "data-offset")));
                Matcher sm = source.matcher(page.text("#detail"));
                assertTrue(sm.find());
                long line = ((FilePosition) log.get(Integer.parseInt(offset)).getSource()).getLine();
                assertEquals(line, Long.parseLong(sm.group(1)));
                assertEquals(8, driver.findElements(By.cssSelector("#policies tbody tr")).size());
                page.choose("#compare", "per-vm");
                page.click("#next-hazard");
                page.until(d -> page.selected().startsWith("hazard:") && page.exists("#map .overlay.hazard")
                        && page.exists("#map2 .overlay.hazard"));
                shoot(driver, "web-view.png");
            } finally {
                driver.quit();
            }
        }
    }

    /** The trigger offset of the policy's last zap at or before {@code at}, from the zap listing. */
    static long lastZapAtOrBefore(int port, String policy, long at) {
        JsonNode zaps = ApiFixture.get(port, "/api/vms/" + BIG + "/zaps?policy=" + policy + "&limit=1000&to=" + at)
                .json().get("items");
        return zaps.get(zaps.size() - 1).get("trigger").get("offset").asLong();
    }

    static void shoot(WebDriver driver, String name) throws java.io.IOException {
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Path out = Path.of("target", name);
        Files.createDirectories(out.getParent());
        Files.copy(shot, out, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The page, read and driven through the DOM attributes the view keeps up to date. */
    record Page(WebDriver driver) {
        /** Polls a condition on the page for up to 20 s (selenium-support's WebDriverWait, without the dependency). */
        void until(Predicate<WebDriver> condition) {
            try {
                Awaitility.await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(50))
                        // the page is still being drawn
                        .ignoreExceptionsInstanceOf(org.openqa.selenium.NoSuchElementException.class)
                        .ignoreExceptionsInstanceOf(org.openqa.selenium.StaleElementReferenceException.class)
                        .ignoreExceptionsInstanceOf(NumberFormatException.class)
                        .until(() -> condition.test(driver));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("timed out; at " + driver.getCurrentUrl() + ", page text:\n"
                        + driver.findElement(By.tagName("body")).getText(), e);
            }
        }

        String attr(String css, String name) {
            String v = driver.findElement(By.cssSelector(css)).getDomAttribute(name);
            return v == null ? "" : v;
        }

        String text(String css) {
            return driver.findElement(By.cssSelector(css)).getText();
        }

        String value(String css) {
            return driver.findElement(By.cssSelector(css)).getDomProperty("value");
        }

        boolean exists(String css) {
            return !driver.findElements(By.cssSelector(css)).isEmpty();
        }

        Object js(String script) {
            return ((JavascriptExecutor) driver).executeScript(script);
        }

        /**
         * Clicks the first (or middle) mark matching {@code css} once the timeline shows one; retried when the
         * timeline is redrawn under the click. Returns the mark's offset and policy.
         */
        String[] clickMark(String css, boolean middle) {
            String[] got = new String[2];
            until(d -> {
                List<WebElement> marks = d.findElements(By.cssSelector(css));
                if (marks.isEmpty()) {
                    return false;
                }
                WebElement m = marks.get(middle ? marks.size() / 2 : 0);
                got[0] = m.getDomAttribute("data-offset");
                got[1] = m.getDomAttribute("data-policy");
                m.click();
                return true;
            });
            return got;
        }

        void click(String css) {
            driver.findElement(By.cssSelector(css)).click();
        }

        /** A key pressed on the page (outside the form fields, where the view listens). */
        void key(CharSequence key) {
            driver.findElement(By.id("timeline-view")).sendKeys(key);
        }

        void choose(String css, String value) {
            ((JavascriptExecutor) driver).executeScript("const s = document.querySelector(arguments[0]);"
                    + " s.value = arguments[1]; s.dispatchEvent(new Event('change'));", css, value);
        }

        /** Zooms in (button) until {@code css} is on the page: single marks appear out of bands and clusters. */
        void zoomInUntil(String css) {
            for (int i = 0; i < 16 && !exists(css); i++) {
                long before = windowSpan();
                click("#zoom-in");
                until(d -> windowSpan() < before || before <= 16);
            }
            until(d -> exists(css));
        }

        long windowFrom() {
            return Long.parseLong(attr("#timeline-view", "data-from"));
        }

        long windowSpan() {
            return Long.parseLong(attr("#timeline-view", "data-to")) - windowFrom() + 1;
        }

        long cursor() {
            return Long.parseLong(attr("#map", "data-offset"));
        }

        String selected() {
            return attr("#detail", "data-selected");
        }

        long selectedOffset() {
            String[] p = selected().split(":");
            return Long.parseLong(p[p.length - 2]);
        }
    }

    static String signature(WebDriver d) {
        String s = d.findElement(By.cssSelector("#map")).getDomAttribute("data-signature");
        return s == null ? "" : s;
    }
}
