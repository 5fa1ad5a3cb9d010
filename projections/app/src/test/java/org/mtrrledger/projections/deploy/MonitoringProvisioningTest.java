package org.mtrrledger.projections.deploy;

import org.mtrrledger.projections.RepoRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.kafka.EventPublisher;
import org.mtrrledger.projections.api.ApiFixture;
import org.mtrrledger.projections.api.ApiService;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * The monitoring half of docker/: Prometheus scraping {@code mtrr serve} and Grafana provisioned with its datasource
 * and the mtrr-ledger dashboard. No Docker needed: the compose file and the provisioning files must agree with each
 * other and exist, and every metric (and every label it groups by) that the dashboard's PromQL names must be in a
 * real {@code /metrics} scrape of {@code mtrr serve}'s process (embedded broker, engine, server) on a folded store.
 */
class MonitoringProvisioningTest {
    private static final Path DOCKER = RepoRoot.resolve("docker");
    private static final String DATASOURCE_UID = "mtrr-prometheus";

    private static JsonNode compose;
    private static JsonNode dashboard;

    /** For the one test that scrapes a real process; a broker per class costs what one inline broker did. */
    @RegisterExtension
    static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    @TempDir
    Path data;

    @BeforeAll
    static void read() throws IOException {
        compose = new YAMLMapper().readTree(DOCKER.resolve("docker-compose.yml").toFile());
        dashboard = new ObjectMapper().readTree(DOCKER.resolve("grafana/dashboards/mtrr-ledger.json").toFile());
    }

    private static JsonNode service(String name) {
        return ComposeFileTest.service(compose, name);
    }

    /** The service's bind mounts of files under docker/: container path to host path. */
    private static Map<String, Path> binds(String service) {
        Map<String, Path> out = new HashMap<>();
        for (JsonNode v : service(service).path("volumes")) {
            String[] parts = v.asText().split(":");
            if (parts[0].startsWith(".")) {
                Path host = DOCKER.resolve(parts[0]).normalize();
                assertTrue(Files.exists(host), service + " mounts " + parts[0] + ", which does not exist");
                out.put(parts[1], host);
            } else {
                assertTrue(compose.path("volumes").has(parts[0]), service + ": named volume " + parts[0]);
            }
        }
        return out;
    }

    private static JsonNode yaml(Path p) throws IOException {
        return new YAMLMapper().readTree(p.toFile());
    }

    @Test
    void shouldProvisionPrometheusScrapingTheServer() throws IOException {
        Map<String, Path> binds = binds("prometheus");
        String configFlag = ComposeFileTest.texts(service("prometheus").path("command")).stream()
                .filter(a -> a.startsWith("--config.file=")).findFirst().orElseThrow();
        Path config = binds.get(configFlag.substring("--config.file=".length()));
        assertNotNull(config, "the config Prometheus reads is mounted: " + binds);
        assertEquals(DOCKER.resolve("prometheus/prometheus.yml"), config);
        JsonNode job = yaml(config).path("scrape_configs").get(0);
        assertEquals("/metrics", job.path("metrics_path").asText());
        List<String> serverCommand = ComposeFileTest.texts(service("server").path("command"));
        String port = serverCommand.get(serverCommand.indexOf("--port") + 1);
        assertEquals(List.of("server:" + port), ComposeFileTest.texts(job.path("static_configs").get(0).path("targets")));
        assertTrue(ComposeFileTest.texts(service("prometheus").path("ports")).contains("127.0.0.1:9090:9090"));
    }

    @Test
    void shouldProvisionGrafanasDatasourceAndDashboardFromFilesThatExist() throws IOException {
        Map<String, Path> binds = binds("grafana");
        Path provisioning = binds.get("/etc/grafana/provisioning");
        assertEquals(DOCKER.resolve("grafana/provisioning"), provisioning);

        JsonNode ds = yaml(provisioning.resolve("datasources/prometheus.yml")).path("datasources").get(0);
        assertEquals("prometheus", ds.path("type").asText());
        assertEquals(DATASOURCE_UID, ds.path("uid").asText());
        String url = ds.path("url").asText();
        assertEquals("http://prometheus:9090", url);
        assertTrue(ComposeFileTest.texts(service("prometheus").path("ports")).stream().anyMatch(p -> p.endsWith(":9090")));

        JsonNode provider = yaml(provisioning.resolve("dashboards/mtrr-ledger.yml")).path("providers").get(0);
        String dashboardsIn = provider.path("options").path("path").asText();
        Path dashboards = binds.get(dashboardsIn);
        assertNotNull(dashboards, "the provider's path " + dashboardsIn + " is a mount: " + binds);
        assertTrue(Files.isRegularFile(dashboards.resolve("mtrr-ledger.json")));
        String home = service("grafana").path("environment").path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
                .asText();
        assertTrue(home.startsWith(dashboardsIn + "/"), home);
        assertTrue(Files.isRegularFile(dashboards.resolve(home.substring(dashboardsIn.length() + 1))), home);

        // every provisioning file is one Grafana reads: a datasource or a dashboard provider
        try (Stream<Path> files = Files.walk(provisioning)) {
            assertEquals(Set.of(Path.of("datasources/prometheus.yml"), Path.of("dashboards/mtrr-ledger.yml")),
                    new HashSet<>(files.filter(Files::isRegularFile).map(provisioning::relativize).toList()));
        }
        // and the dashboard queries that datasource everywhere
        List<String> uids = dashboard.findValues("datasource").stream().map(d -> d.path("uid").asText()).toList();
        assertTrue(uids.size() > 20, uids.toString());
        assertEquals(Set.of(DATASOURCE_UID), new HashSet<>(uids));
        for (String s : List.of("prometheus", "grafana")) {
            assertEquals("monitoring", ComposeFileTest.texts(service(s).path("profiles")).get(0), s);
        }
    }

    /** PromQL functions and aggregations the dashboard may use; anything else before '(' is a typo. */
    private static final Set<String> FUNCTIONS = Set.of("sum", "rate", "increase", "sort_desc", "topk", "max",
            "histogram_quantile", "avg", "min", "count", "deriv", "delta");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");

    /** A PromQL query's metric names and the labels it groups by. */
    record Names(Set<String> metrics, Set<String> labels) {
    }

    static Names names(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"").replaceAll("\\[[^\\]]*]", " ");
        Set<String> labels = new TreeSet<>();
        Matcher g = GROUPING.matcher(s);
        while (g.find()) {
            for (String l : g.group(2).split(",")) {
                if (!l.isBlank()) {
                    labels.add(l.strip());
                }
            }
        }
        s = GROUPING.matcher(s).replaceAll(" ");
        Matcher matchers = Pattern.compile("\\{([^}]*)}").matcher(s);
        while (matchers.find()) {
            Matcher l = Pattern.compile("([a-zA-Z_]\\w*)\\s*[=!]~?").matcher(matchers.group(1));
            while (l.find()) {
                labels.add(l.group(1));
            }
        }
        s = s.replaceAll("\\{[^}]*}", " ");
        Set<String> metrics = new TreeSet<>();
        Matcher m = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(s);
        while (m.find()) {
            if (m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1))) {
                continue; // the exponent or unit of a number
            }
            String id = m.group(1);
            if (m.group(2) != null) {
                assertTrue(FUNCTIONS.contains(id), "unknown PromQL function " + id + " in " + expr);
            } else if (!KEYWORDS.contains(id)) {
                metrics.add(id);
            }
        }
        return new Names(metrics, labels);
    }

    @Test
    void shouldExtractMetricNamesAndLabelsFromPromQl() {
        assertEquals(new Names(Set.of("mtrr_zaps_total"), Set.of("policy")),
                names("sum by (policy) (rate(mtrr_zaps_total{policy=~\"$policy\"}[$__rate_interval]))"));
        assertEquals(new Names(Set.of("mtrr_api_requests_seconds_bucket"), Set.of("le", "route")),
                names("histogram_quantile(0.99, sum by (le, route) (rate(mtrr_api_requests_seconds_bucket[5m])))"));
        assertEquals(Set.of("a_metric", "b_metric"), names("a_metric / on() b_metric").metrics());
    }

    /** Every query of the dashboard: panel targets and template variables ({@code label_values(metric, label)}). */
    private static List<String> queries() {
        List<String> out = new ArrayList<>();
        dashboard.findValues("targets").forEach(ts -> ts.forEach(t -> out.add(t.path("expr").asText())));
        for (JsonNode v : dashboard.path("templating").path("list")) {
            Matcher lv = Pattern.compile("label_values\\((\\w+),\\s*(\\w+)\\)")
                    .matcher(v.path("query").path("query").asText());
            assertTrue(lv.matches(), v.toString());
            out.add("sum by (" + lv.group(2) + ") (" + lv.group(1) + ")");
        }
        return out;
    }

    @Test
    void shouldQueryOnlyMetricsAndLabelsThatARealScrapeOfServeHas() throws IOException {
        Map<String, Set<String>> scraped = labelsByMetric(scrapeServe());
        List<String> queries = queries();
        assertTrue(queries.size() >= 20, queries.toString());
        Set<String> used = new TreeSet<>();
        for (String q : queries) {
            assertFalse(q.isBlank(), "a panel without a query");
            Names n = names(q);
            assertFalse(n.metrics().isEmpty(), "no metric in " + q);
            for (String metric : n.metrics()) {
                assertTrue(scraped.containsKey(metric), metric + " (in " + q + ") is not in /metrics: "
                        + scraped.keySet());
                for (String label : n.labels()) {
                    assertTrue(scraped.get(metric).contains(label), metric + " has no label " + label + " (in " + q
                            + "): " + scraped.get(metric));
                }
            }
            used.addAll(n.metrics());
        }
        // the dashboard shows each store series at least once
        for (String metric : List.of("mtrr_events_total", "mtrr_vm_events", "mtrr_zaps_total", "mtrr_vm_zaps",
                "mtrr_zapped_gfns_total", "mtrr_hazards_total", "mtrr_noncoherent_dma_vms", "mtrr_store_vms",
                "mtrr_store_committed_offset", "mtrr_store_last_folded_offset", "mtrr_store_size_bytes",
                "mtrr_engine_lag_records")) {
            assertTrue(used.contains(metric), "the dashboard shows " + metric);
        }
    }

    /** Metric name to the label names its samples carry, from Prometheus text. */
    private static Map<String, Set<String>> labelsByMetric(String text) {
        Map<String, Set<String>> out = new HashMap<>();
        Pattern sample = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? \\S+");
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = sample.matcher(line);
            assertTrue(m.matches(), line);
            Set<String> labels = out.computeIfAbsent(m.group(1), k -> new TreeSet<>());
            if (m.group(2) != null) {
                Matcher l = Pattern.compile("([a-zA-Z_]\\w*)=\"(?:[^\"\\\\]|\\\\.)*\"").matcher(m.group(2));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
        return out;
    }

    /** {@code mtrr serve}'s process (embedded broker, engine, server) over the sample, caught up; its /metrics. */
    private String scrapeServe() throws IOException {
        String topic = EngineConfig.DEFAULT_TOPIC;
        ApiFixture.createTopic(broker.bootstrap(), topic);
        try (EventPublisher pub = new EventPublisher(broker.bootstrap(), topic, "tx-monitoring");
                LedgerStore store = LedgerStore.open(data.resolve("store"), OpenMode.PRIMARY,
                        Durability.WAL_NO_SYNC, PolicyProjection.OUTPUTS)) {
            ApiFixture.publish(pub, "sample", ApiFixture.sample());
            try (ApiService service = ApiFixture.serve(broker.bootstrap(),
                    new EngineConfig(topic, "monitoring", 100, PoisonPolicy.FAIL), store)) {
                int port = service.server().port();
                ApiFixture.await("caught up", () -> ApiFixture.get(port, "/readyz").status() == 200);
                assertEquals(200, ApiFixture.get(port, "/api/vms").status(), "a request for the histogram");
                ApiFixture.Reply metrics = ApiFixture.get(port, "/metrics");
                assertEquals(200, metrics.status());
                return metrics.body();
            }
        }
    }
}
