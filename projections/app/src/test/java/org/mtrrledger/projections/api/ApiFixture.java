package org.mtrrledger.projections.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.EngineProgress;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.kafka.EventPublisher;
import org.mtrrledger.events.kafka.IngestDigest;
import org.mtrrledger.events.kafka.KeyedRecord;
import org.mtrrledger.events.kafka.ProgressListener;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.events.parse.JsonLinesParser;
import org.mtrrledger.events.parse.ParseOptions;
import org.mtrrledger.events.parse.ParsedLog;
import org.mtrrledger.projections.RepoRoot;
import org.mtrrledger.projections.cli.CliRun;

/**
 * Shared by the API tests: the sample log, an HTTP client, the CLI's --json output for comparison, and the set-up of
 * {@code mtrr serve}'s process on a test broker (topics, publishing, engine and server, waiting on what they answer).
 */
public final class ApiFixture {
    static final String SAMPLE = "ovmf-linux-4vcpu-dma.jsonl";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ApiFixture() {
    }

    /** The sample's events, with sources {@code ovmf-linux-4vcpu-dma.jsonl:LINE}. */
    public static List<MtrrEvent> sample() {
        Path p = RepoRoot.resolve("samples", SAMPLE);
        try (ParsedLog log = new JsonLinesParser().open(SAMPLE, Files.newBufferedReader(p), ParseOptions.DEFAULTS)) {
            return new ArrayList<>(log.readAll());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates {@code topic} with two partitions and its ingest ledger, as {@code mtrr} does before it publishes. */
    public static void createTopic(String bootstrap, String topic) {
        TopicAdmin.ensureTopic(bootstrap, topic, 2);
        TopicAdmin.ensureIngestLedger(bootstrap, TopicAdmin.ledgerTopicOf(topic));
    }

    /** Publishes {@code events} in one transaction as the file {@code label}, keyed by VM as ingest keys them. */
    public static void publish(EventPublisher pub, String label, List<MtrrEvent> events) {
        EventCodec codec = new EventCodec();
        List<KeyedRecord> records = new ArrayList<>();
        for (MtrrEvent e : events) {
            records.add(new KeyedRecord(e.getVm(), codec.encode(e)));
        }
        pub.publishFile(IngestDigest.sha256(label.getBytes(StandardCharsets.UTF_8)), label, records.iterator(),
                ProgressListener.NONE);
    }

    /** {@code mtrr serve}'s engine and HTTP server on {@code store}, following {@code config}'s topic; a free port. */
    public static ApiService serve(String bootstrap, EngineConfig config, LedgerStore store) throws IOException {
        return ApiService.start(bootstrap, config, store, new InetSocketAddress("127.0.0.1", 0), EngineProgress.NONE);
    }

    /** Waits up to a minute, polling every 20 ms, until {@code condition} holds. */
    public static void await(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20)).until(condition);
    }

    /** How many of the VM's events the store has folded (transaction markers take offsets too); -1 before any. */
    static long folded(int port, String vm) {
        return vmNumber(port, vm, "events");
    }

    /** The offset of the VM's last folded event; -1 before any. */
    static long latestOffset(int port, String vm) {
        return vmNumber(port, vm, "latest_offset");
    }

    private static long vmNumber(int port, String vm, String field) {
        Reply r = get(port, "/api/vms/" + vm);
        return r.status() == 200 ? r.json().get(field).asLong() : -1;
    }

    public record Reply(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(body, e);
            }
        }
    }

    public static Reply get(int port, String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).GET().build());
    }

    static Reply send(HttpRequest r) {
        try {
            HttpResponse<String> res = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
            return new Reply(res.statusCode(), res.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode ok(int port, String path) {
        Reply r = get(port, path);
        assertEquals(200, r.status(), path + " -> " + r.body());
        return r.json();
    }

    private static final Pattern PROMETHEUS_SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? "
                    + "(-?[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|[+-]Inf)");

    /** Parses Prometheus text: every non-comment line must be {@code name{labels} value}. */
    static Map<String, Double> metrics(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                if (line.startsWith("#")) {
                    assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE "), line);
                }
                continue;
            }
            Matcher m = PROMETHEUS_SAMPLE.matcher(line);
            assertTrue(m.matches(), "not Prometheus text: " + line);
            String value = m.group(3);
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), value.equals("NaN") ? Double.NaN
                    : value.endsWith("Inf") ? (value.startsWith("-") ? Double.NEGATIVE_INFINITY
                    : Double.POSITIVE_INFINITY) : Double.parseDouble(value));
        }
        assertTrue(out.size() > 10, text);
        return out;
    }

    static double sum(Map<String, Double> m, String prefix) {
        return m.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue)
                .sum();
    }

    /** Runs the CLI in this JVM; its JSON Lines output as a JSON array. */
    static JsonNode cliJson(String... args) {
        CliRun r = CliRun.of(args);
        if (r.code() != 0) {
            throw new AssertionError("mtrr " + String.join(" ", args) + " exited " + r.code() + ": " + r.err());
        }
        try {
            var arr = JSON.createArrayNode();
            for (String line : r.out().split("\n")) {
                if (!line.isBlank()) {
                    arr.add(JSON.readTree(line));
                }
            }
            return arr;
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }
}
