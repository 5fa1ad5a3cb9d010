package org.mtrrledger.projections.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.projections.StoreFixture;
import org.mtrrledger.projections.api.ApiFixture.Reply;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * Every endpoint over a store folded from the OVMF sample with the engine's writer (Kafka is not the point here):
 * the bodies equal the CLI's --json output, paging with cursors, 400s naming the parameter, 404s.
 */
class ApiServerTest {
    static final String VM = "ovmf-linux-4vcpu-0";

    @TempDir
    static Path data;
    static LedgerStore store;
    static ApiServer server;
    static int port;
    static int events;

    @BeforeAll
    static void start() throws Exception {
        var log = ApiFixture.sample();
        events = log.size();
        StoreFixture.fold(data.resolve("store"), log, 16, 50);
        store = LedgerStore.open(data.resolve("store"), OpenMode.READ_ONLY, PolicyProjection.OUTPUTS);
        server = ApiServer.start(store, new InetSocketAddress("127.0.0.1", 0), new ApiMetrics(), Optional::empty);
        port = server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        store.close();
    }

    static Reply get(String path) {
        return ApiFixture.get(port, path);
    }

    static JsonNode ok(String path) {
        Reply r = get(path);
        assertEquals(200, r.status(), path + " -> " + r.body());
        return r.json();
    }

    /**
     * The answer to a request that gave positions (at, from, to): every object of it (the answer, or each element of
     * an array) says how they resolved; that field checked present and removed, the rest is the CLI's --json.
     */
    static JsonNode positioned(String path) {
        JsonNode n = ok(path);
        Iterable<JsonNode> objects = n.isArray() ? n : List.of(n);
        for (JsonNode o : objects) {
            assertTrue(o.has("resolved"), path + " -> " + o);
            ((ObjectNode) o).remove("resolved");
        }
        return n;
    }

    static void assertResolved(JsonNode answer, String parameter, String input, long offset) {
        JsonNode r = answer.path("resolved").path(parameter);
        assertEquals(input, r.path("input").asText(), parameter + " in " + answer);
        assertEquals(offset, r.path("offset").asLong(-1), parameter + " in " + answer);
    }

    static JsonNode cli(String... args) {
        String[] all = new String[args.length + 3];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data";
        all[args.length + 1] = data.toString();
        all[args.length + 2] = "--json";
        return ApiFixture.cliJson(all);
    }

    static void assertBadParameter(String path, String parameter) {
        Reply r = get(path);
        assertEquals(400, r.status(), path + " -> " + r.body());
        assertEquals(parameter, r.json().path("parameter").asText(), r.body());
        assertFalse(r.json().path("error").asText().isEmpty(), r.body());
    }

    @Test
    void shouldListTheVm() {
        JsonNode vms = ok("/api/vms");
        assertEquals(1, vms.size(), vms.toString());
        JsonNode v = vms.get(0);
        assertEquals(VM, v.get("vm").asText());
        assertEquals(4, v.get("vcpus").asInt());
        assertEquals(events - 1, v.get("latest_offset").asLong());
        assertEquals(0, v.get("partition").asInt());
        assertEquals(events, v.get("events").asLong());
        assertEquals(v, ok("/api/vms/" + VM));
    }

    @Test
    void shouldServeTheMemtypeSnapshotsOfTheCli() {
        assertEquals(cli("memtype", "--vm", VM), ok("/api/vms/" + VM + "/memtype"));
        assertEquals(cli("memtype", "--vm", VM, "--vcpu", "2", "--at", "40", "--resolver", "sdm", "--kernel", "v6.7")
                .get(0), positioned("/api/vms/" + VM + "/memtype?vcpu=2&at=40&resolver=sdm&kernel=v6.7"));
        JsonNode perVm = ok("/api/vms/" + VM + "/memtype?vcpu=per-vm");
        assertEquals(cli("memtype", "--vm", VM, "--per-vm").get(0), perVm);
        assertEquals("per-vm", perVm.get("view").asText());
        assertEquals(cli("memtype", "--vm", VM, "--vcpu", "0", "--gpa", "0xc0001000").get(0),
                ok("/api/vms/" + VM + "/memtype?vcpu=0&gpa=0xc0001000"));
        // before any vCPU existed: no snapshots; a vCPU that does not exist there: 404 naming vcpu
        assertEquals(0, ok("/api/vms/" + VM + "/memtype?at=0").size());
        Reply r = get("/api/vms/" + VM + "/memtype?vcpu=9");
        assertEquals(404, r.status(), r.body());
        assertEquals("vcpu", r.json().get("parameter").asText());
    }

    @Test
    void shouldPageZapsWithCursorsAndMatchTheCli() {
        JsonNode all = cli("zaps", "--vm", VM);
        assertTrue(all.size() > 10, "the sample must zap: " + all.size());
        JsonNode one = ok("/api/vms/" + VM + "/zaps?limit=1000");
        assertEquals(all, one.get("items"));
        assertTrue(one.get("next_cursor").isNull());
        assertEquals(all, pageAll("/api/vms/" + VM + "/zaps?limit=7"));
        JsonNode def = ok("/api/vms/" + VM + "/zaps");
        assertEquals(Math.min(100, all.size()), def.get("items").size());

        // filters: the same rows as the CLI's, paged or not
        assertEquals(cli("zaps", "--vm", VM, "--policy", "v6.7,per-vm-dirty", "--from", "20", "--to", "150"),
                pageAll("/api/vms/" + VM + "/zaps?policy=v6.7,per-vm-dirty&from=20&to=150&limit=2"));
        assertEquals(cli("zaps", "--vm", VM, "--gfn", "0xc0000"), pageAll("/api/vms/" + VM + "/zaps?gfn=0xc0000&limit=3"));
        assertBadParameter("/api/vms/" + VM + "/zaps?policy=v9.9", "policy");
        assertBadParameter("/api/vms/" + VM + "/zaps?gfn=zz", "gfn");
        assertBadParameter("/api/vms/" + VM + "/zaps?cursor=bm9wZQ", "cursor");
        assertBadParameter("/api/vms/" + VM + "/zaps?cursor=" + ok("/api/vms/" + VM + "/events?limit=1")
                .get("next_cursor").asText(), "cursor");
    }

    /** Follows next_cursor to the end; all items in order. */
    static ArrayNode pageAll(String first) {
        ArrayNode out = ApiFixture.JSON.createArrayNode();
        String sep = first.contains("?") ? "&" : "?";
        JsonNode page = ok(first);
        int pages = 1;
        while (true) {
            page.get("items").forEach(out::add);
            if (page.get("next_cursor").isNull()) {
                break;
            }
            page = ok(first + sep + "cursor=" + page.get("next_cursor").asText());
            pages++;
        }
        assertTrue(pages > 1 || out.size() <= 7, "expected several pages");
        return out;
    }

    @Test
    void shouldPageEventsAndAuditOne() {
        JsonNode all = cli("events", "--vm", VM);
        assertEquals(events, all.size());
        assertEquals(all, pageAll("/api/vms/" + VM + "/events?limit=50"));
        assertEquals(cli("events", "--vm", VM, "--from", "10", "--to", "30"),
                pageAll("/api/vms/" + VM + "/events?from=10&to=30&limit=6"));
        JsonNode page = ok("/api/vms/" + VM + "/events?limit=5");
        assertEquals(5, page.get("items").size());
        assertEquals(0, page.get("items").get(0).get("offset").asLong());

        for (long o : new long[] {0, 57, events - 1}) {
            assertEquals(cli("audit", "--vm", VM, "--offset", Long.toString(o)).get(0),
                    ok("/api/vms/" + VM + "/events/" + o));
        }
        JsonNode audit = ok("/api/vms/" + VM + "/events/57");
        assertTrue(audit.get("policies").has("per-vm-dirty"), audit.toString());
        assertTrue(audit.get("source").asText().startsWith(ApiFixture.SAMPLE + ":"), audit.toString());
        Reply missing = get("/api/vms/" + VM + "/events/" + (events + 10));
        assertEquals(404, missing.status(), missing.body());
        assertBadParameter("/api/vms/" + VM + "/events/x1", "offset");
        assertBadParameter("/api/vms/" + VM + "/events?limit=0", "limit");
        assertBadParameter("/api/vms/" + VM + "/events?limit=1001", "limit");
        assertBadParameter("/api/vms/" + VM + "/events?from=9&to=3", "to");
        assertBadParameter("/api/vms/" + VM + "/events?from=-1", "from");
    }

    @Test
    void shouldDiffPoliciesAndDivergenceLikeTheCli() {
        assertEquals(cli("diff", "--vm", VM, "--from", "10", "--to", String.valueOf(events - 1)),
                positioned("/api/vms/" + VM + "/diff?from=10&to=" + (events - 1)));
        assertEquals(cli("diff", "--vm", VM, "--from", "30", "--to", "120", "--vcpu", "1", "--kernel", "v6.11"),
                positioned("/api/vms/" + VM + "/diff?from=30&to=120&vcpu=1&kernel=v6.11"));
        assertBadParameter("/api/vms/" + VM + "/diff?to=5", "from");
        assertBadParameter("/api/vms/" + VM + "/diff?from=5", "to");
        assertBadParameter("/api/vms/" + VM + "/diff?from=9&to=5", "to");

        assertEquals(cli("policies", "--vm", VM, "--per-vm"), ok("/api/vms/" + VM + "/policies"));
        assertEquals(cli("policies", "--vm", VM, "--per-vm", "--at", "100"),
                positioned("/api/vms/" + VM + "/policies?at=100"));
        assertEquals(8, ok("/api/vms/" + VM + "/policies").size());

        assertEquals(cli("divergence"), ok("/api/divergence"));
        assertEquals(cli("divergence", "--vm", VM, "--at", "80"), positioned("/api/divergence?vm=" + VM + "&at=80"));
        assertEquals(404, get("/api/divergence?vm=nope").status());
    }

    @Test
    void shouldResolveAtFromAndToGivenAsEventNumberSourceLineOrTimestamp() {
        JsonNode e40 = ok("/api/vms/" + VM + "/events/40");
        String m = "/api/vms/" + VM + "/memtype?vcpu=1&at=";
        JsonNode byOffset = positioned(m + "40");
        for (String at : List.of("%2341", URLEncoder.encode(e40.get("source").asText(), StandardCharsets.UTF_8),
                "ts:" + e40.get("ts").asText())) {
            assertEquals(byOffset, positioned(m + at), at);
        }
        assertEquals(positioned("/api/vms/" + VM + "/events?from=10&to=40"),
                positioned("/api/vms/" + VM + "/events?from=%2311&to=ts:" + e40.get("ts").asText()));
        assertEquals(positioned("/api/vms/" + VM + "/policies?at=40"),
                positioned("/api/vms/" + VM + "/policies?at=%2341"));
        Reply beyond = get(m + "%23" + (events + 1));
        assertEquals(404, beyond.status(), beyond.body());
        assertEquals("at", beyond.json().path("parameter").asText(), beyond.body());
        assertBadParameter(m + "%230", "at");
        assertBadParameter("/api/vms/" + VM + "/events?from=%2331&to=%2311", "to");
    }

    @Test
    void shouldSayWhichOffsetEachPositionResolvedTo() {
        JsonNode e40 = ok("/api/vms/" + VM + "/events/40");
        String ts = "ts:" + e40.get("ts").asText();
        String source = e40.get("source").asText();
        String v = "/api/vms/" + VM;

        assertResolved(ok(v + "/memtype?vcpu=1&at=%2341"), "at", "#41", 40);
        assertResolved(ok(v + "/memtype?vcpu=1&at=40"), "at", "40", 40);
        JsonNode perVcpu = ok(v + "/memtype?at=" + ts);
        assertEquals(4, perVcpu.size(), perVcpu.toString());
        perVcpu.forEach(snap -> assertResolved(snap, "at", ts, 40));

        JsonNode page = ok(v + "/events?from=%2311&to=" + ts + "&limit=5");
        assertResolved(page, "from", "#11", 10);
        assertResolved(page, "to", ts, 40);
        assertEquals(10, page.get("items").get(0).get("offset").asLong());
        JsonNode zaps = ok(v + "/zaps?from=" + URLEncoder.encode(source, StandardCharsets.UTF_8));
        assertResolved(zaps, "from", source, 40);
        assertFalse(zaps.get("resolved").has("to"), zaps.get("resolved").toString());

        JsonNode policies = ok(v + "/policies?at=%2341");
        assertEquals(8, policies.size());
        policies.forEach(row -> assertResolved(row, "at", "#41", 40));
        JsonNode diff = ok(v + "/diff?from=%231&to=%23" + events);
        assertTrue(diff.size() > 0, "the sample's memtypes change between its first and last event");
        diff.forEach(row -> {
            assertResolved(row, "from", "#1", 0);
            assertResolved(row, "to", "#" + events, events - 1);
        });
        JsonNode divergence = ok("/api/divergence?vm=" + VM + "&at=%2341");
        divergence.forEach(row -> assertResolved(row, "at", "#41", 40));

        // without positions an answer has no such field
        for (String path : List.of(v + "/memtype?vcpu=1", v + "/events?limit=2", v + "/zaps?limit=2")) {
            assertFalse(ok(path).has("resolved"), path);
        }
        ok(v + "/policies").forEach(row -> assertFalse(row.has("resolved"), row.toString()));

        JsonNode schemas = ok("/api/openapi.json").get("components").get("schemas");
        assertEquals(List.of("input", "offset"), ApiFixture.JSON.convertValue(schemas.get("ResolvedPosition")
                .get("required"), List.class));
        for (String s : List.of("Snapshot", "DiffRow", "PolicyCounters", "DivergenceRow")) {
            assertEquals("#/components/schemas/Resolved",
                    schemas.get(s).get("properties").path("resolved").path("$ref").asText(), s);
        }
    }

    @Test
    void shouldAnswer400NamingTheParameter() {
        String m = "/api/vms/" + VM + "/memtype";
        assertBadParameter(m + "?at=abc", "at");
        assertBadParameter(m + "?at=-3", "at");
        assertBadParameter(m + "?vcpu=-1", "vcpu");
        assertBadParameter(m + "?vcpu=all", "vcpu");
        assertBadParameter(m + "?resolver=linux", "resolver");
        assertBadParameter(m + "?kernel=v5.0", "kernel");
        assertBadParameter(m + "?gpa=0xnope", "gpa");
        assertBadParameter(m + "?bogus=1", "bogus");
        assertBadParameter(m + "?at=1&at=2", "at");
        assertBadParameter("/api/vms?x=1", "x");
        assertBadParameter("/api/vms/" + VM + "/policies?at=later", "at");
        assertBadParameter("/api/divergence?at=z", "at");
    }

    @Test
    void shouldAnswer404ForAnUnknownVmOrPath() {
        for (String sub : List.of("", "/memtype", "/zaps", "/events", "/events/3", "/diff?from=0&to=1", "/policies")) {
            Reply r = get("/api/vms/no-such-vm" + sub);
            assertEquals(404, r.status(), sub + " -> " + r.body());
            assertTrue(r.json().get("error").asText().contains("unknown VM 'no-such-vm' (known: " + VM + ")"),
                    r.body());
        }
        String enc = URLEncoder.encode("a b/c", StandardCharsets.UTF_8).replace("+", "%20");
        assertEquals(404, get("/api/vms/" + enc + "/memtype").status());
        assertEquals(404, get("/api/nothing").status());
        assertEquals(404, get("/etc/passwd").status());
        assertEquals(404, get("/../pom.xml").status());
    }

    @Test
    void shouldAnswer404NamingTheVmsRangeForAnOffsetBeyondItsLog() {
        long last = ok("/api/vms/" + VM).get("latest_offset").asLong();
        assertEquals(200, get("/api/vms/" + VM + "/memtype?vcpu=0&at=" + last).status());
        for (String path : List.of("/memtype?vcpu=0&at=", "/memtype?at=", "/policies?at=")) {
            Reply r = get("/api/vms/" + VM + path + (last + 1));
            assertEquals(404, r.status(), path + " -> " + r.body());
            assertEquals("at", r.json().path("parameter").asText(), r.body());
            assertTrue(r.json().path("error").asText().contains("offsets 0.." + last + " of partition"), r.body());
        }
        assertEquals(404, get("/api/divergence?vm=" + VM + "&at=" + (last + 1)).status());
    }

    @Test
    void shouldAnswerAMalformedPathWithTheDocumentedJsonError() throws Exception {
        for (String target : List.of("/api/vms/%zz", "/%zz", "/api/vms/" + VM + "/memtype%")) {
            String[] reply = raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(reply[0].startsWith("HTTP/1.1 400 "), target + " -> " + reply[0]);
            assertTrue(reply[0].toLowerCase().contains("content-type: application/json"), reply[0]);
            assertTrue(ApiFixture.JSON.readTree(reply[1]).path("error").asText().contains("percent-encoding"),
                    reply[1]);
        }
        String[] garbage = raw("NONSENSE\r\n\r\n");
        assertTrue(garbage[0].startsWith("HTTP/1.1 400 "), garbage[0]);
        assertFalse(ApiFixture.JSON.readTree(garbage[1]).path("error").asText().isEmpty(), garbage[1]);
    }

    @Test
    void shouldAnswerHealthAndQueriesWhileHalfOpenConnectionsHoldOn() throws Exception {
        List<Socket> halfOpen = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * ApiServer.QUERY_THREADS; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                halfOpen.add(s);
            }
            long t0 = System.nanoTime();
            String[] health = raw("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(health[0].startsWith("HTTP/1.1 200 "), health[0]);
            assertEquals(200, get("/api/vms").status());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 3_000, "health and a query took " + ms + " ms next to half-open connections");
            // The server gives up on each of them once its head is overdue.
            for (Socket s : halfOpen) {
                s.setSoTimeout(BoundedHttpServer.HEAD_TIMEOUT_MS + 10_000);
                try {
                    assertEquals(-1, s.getInputStream().read(), "a half-open connection got an answer");
                } catch (SocketException reset) {
                    // closed by the server: what we wait for
                }
            }
            long closedAfter = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(closedAfter < BoundedHttpServer.HEAD_TIMEOUT_MS + 5_000, "closed after " + closedAfter + " ms");
        } finally {
            for (Socket s : halfOpen) {
                s.close();
            }
        }
    }

    /** Sends raw bytes (what java.net.http refuses to send); returns {status line and headers, body}. */
    static String[] raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = all.indexOf("\r\n\r\n");
            return split < 0 ? new String[] {all, ""} : new String[] {all.substring(0, split), all.substring(split + 4)};
        }
    }

    @Test
    void shouldLimitRequestsAndMethods() {
        Reply longUri = get("/api/vms?" + "a".repeat(ApiServer.MAX_URI));
        assertEquals(414, longUri.status(), longUri.body());
        Reply post = ApiFixture.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/vms"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(405, post.status(), post.body());
        Reply big = ApiFixture.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/vms"))
                .method("GET", HttpRequest.BodyPublishers.ofString("x".repeat(ApiServer.MAX_BODY + 1))).build());
        assertEquals(413, big.status(), big.body());
        assertEquals(200, ApiFixture.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/vms")).method("GET", HttpRequest.BodyPublishers.ofString("small")).build()).status());
    }

    @Test
    void shouldServeOpenApiHealthAndTheWebView() {
        JsonNode doc = ok("/api/openapi.json");
        assertTrue(doc.get("openapi").asText().startsWith("3."), doc.get("openapi").toString());
        for (String p : List.of("/api/vms", "/api/vms/{vm}/memtype", "/api/vms/{vm}/zaps", "/api/vms/{vm}/events",
                "/api/vms/{vm}/events/{offset}", "/api/vms/{vm}/diff", "/api/vms/{vm}/policies", "/api/divergence",
                "/metrics", "/healthz", "/readyz")) {
            assertTrue(doc.get("paths").has(p), p);
        }
        // every $ref resolves
        assertRefsResolve(doc, doc);
        assertEquals("ok", ok("/healthz").get("status").asText());
        assertEquals("ready", ok("/readyz").get("status").asText());
        Reply page = get("/");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<script src=\"app.js\""), page.body());
        assertEquals(200, get("/app.js").status());
        assertEquals(200, get("/style.css").status());
        Reply metrics = get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("mtrr_api_requests_seconds_bucket{"), metrics.body());
    }

    static void assertRefsResolve(JsonNode doc, JsonNode n) {
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (e.getKey().equals("$ref")) {
                    String ref = e.getValue().asText();
                    assertFalse(doc.at(ref.substring(1)).isMissingNode(), ref);
                } else {
                    assertRefsResolve(doc, e.getValue());
                }
            }
        } else if (n.isArray()) {
            n.forEach(c -> assertRefsResolve(doc, c));
        }
    }

    @Test
    void shouldKeepCursorsOpaque() {
        String c = ok("/api/vms/" + VM + "/events?limit=3").get("next_cursor").asText();
        assertTrue(c.matches("[A-Za-z0-9_-]+"), c);
    }
}
