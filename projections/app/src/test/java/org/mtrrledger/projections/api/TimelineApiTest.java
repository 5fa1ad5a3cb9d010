package org.mtrrledger.projections.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.projections.StoreFixture;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * {@code /api/vms/{vm}/timeline} and {@code /seek} on a generated 64-vCPU VM: the answer is bounded by the bucket
 * count, its counts add up to the zap and event listings, dense lanes come without marks, the vCPU filter and
 * next/previous agree with {@code /zaps}.
 */
class TimelineApiTest {
    static final String VM = "big064-0";
    @TempDir
    static Path data;
    static LedgerStore store;
    static ApiServer server;
    static int events;

    @BeforeAll
    static void fold() throws Exception {
        List<MtrrEvent> log = new ArrayList<>(WebViewBrowserTest.generated("big064-", 64));
        events = log.size();
        for (MtrrEvent e : ApiFixture.sample()) {
            log.add(MtrrEvent.newBuilder(e).setVm("no-ts").setTimestampNs(null).build());
        }
        StoreFixture.fold(data.resolve("store"), log, 1000, 500);
        store = LedgerStore.open(data.resolve("store"), OpenMode.READ_ONLY, PolicyProjection.OUTPUTS);
        server = ApiServer.start(store, new InetSocketAddress("127.0.0.1", 0), new ApiMetrics(), Optional::empty);
    }

    @AfterAll
    static void close() {
        server.close();
        store.close();
    }

    static JsonNode ok(String path) {
        ApiFixture.Reply r = ApiFixture.get(server.port(), path);
        assertEquals(200, r.status(), path + ": " + r.body());
        return r.json();
    }

    /** Every zap of a policy, (trigger offset, vCPU) pairs, through the paged listing. */
    static List<long[]> zaps(String policy) {
        List<long[]> out = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = ok("/api/vms/" + VM + "/zaps?policy=" + policy + "&limit=1000"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            for (JsonNode z : page.get("items")) {
                JsonNode v = z.get("trigger").get("vcpu");
                out.add(new long[] {z.get("trigger").get("offset").asLong(), v.isNull() ? -1 : v.asLong()});
            }
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        return out;
    }

    @Test
    void shouldBoundTheWholeLogToItsBucketsAndLeaveDenseLanesWithoutMarks() {
        JsonNode tl = ok("/api/vms/" + VM + "/timeline?buckets=100");
        assertEquals(100, tl.get("buckets").asInt());
        assertEquals(100, tl.get("events").size());
        assertEquals(events, tl.get("events_in_window").asLong());
        assertTrue(tl.toString().length() < 64_000, "bounded: " + tl.toString().length() + " chars");
        assertTrue(tl.get("bucket_ts").get(0).asText().matches("\\d+\\.\\d{6}"), tl.get("bucket_ts").toString());
        JsonNode v64 = null;
        for (JsonNode lane : tl.get("lanes")) {
            if (lane.get("policy").asText().equals("v6.4")) {
                v64 = lane;
            }
        }
        long sum = 0;
        for (JsonNode c : v64.get("zap_density")) {
            sum += c.asLong();
        }
        assertEquals(zaps("v6.4").size(), sum);
        assertEquals(sum, v64.get("zaps").asLong());
        assertTrue(v64.get("zap_marks").isNull(), "hundreds of trigger offsets: a density band");
        assertTrue(v64.get("hazard_marks").isNull());

        // a narrow window: single marks, each a trigger offset of the listing
        long from = zaps("v6.4").get(10)[0];
        JsonNode narrow = ok("/api/vms/" + VM + "/timeline?from=" + from + "&to=" + (from + 40));
        assertEquals(41, narrow.get("buckets").asInt());
        JsonNode marks = narrow.get("lanes").get(0).get("zap_marks");
        assertFalse(marks.isNull());
        assertEquals(from, marks.get(0).get("offset").asLong());
        assertEquals(400, ApiFixture.get(server.port(), "/api/vms/" + VM + "/timeline?buckets=2001").status());
        // a log without trace timestamps: the axis has none to label (the page labels offsets instead)
        JsonNode noTs = ok("/api/vms/no-ts/timeline?buckets=50");
        assertEquals(events, noTs.get("first_offset").asLong());
        noTs.get("bucket_ts").forEach(t -> assertTrue(t.isNull(), noTs.get("bucket_ts").toString()));
        assertEquals(400, ApiFixture.get(server.port(), "/api/vms/" + VM + "/timeline?from=50&to=10").status());
    }

    @Test
    void shouldFilterByVcpuAndStepToTheNeighbouringZapsAndHazards() {
        List<long[]> all = zaps("v6.7");
        long[] z = all.get(all.size() / 2);
        JsonNode next = ok("/api/vms/" + VM + "/seek?what=zap&policy=v6.7&from=" + z[0]);
        long expectedNext = all.stream().mapToLong(x -> x[0]).filter(o -> o > z[0]).min().orElseThrow();
        assertEquals(expectedNext, next.get("offset").asLong());
        JsonNode prev = ok("/api/vms/" + VM + "/seek?what=zap&policy=v6.7&direction=prev&from=" + z[0]);
        long expectedPrev = all.stream().mapToLong(x -> x[0]).filter(o -> o < z[0]).max().orElseThrow();
        assertEquals(expectedPrev, prev.get("offset").asLong());
        // vCPU 7's zaps (and the VM-wide ones) only
        long seven = all.stream().filter(x -> x[1] == 7 || x[1] == -1).mapToLong(x -> x[0]).filter(o -> o > z[0])
                .min().orElseThrow();
        assertEquals(seven, ok("/api/vms/" + VM + "/seek?what=zap&policy=v6.7&vcpu=7&from=" + z[0]).get("offset")
                .asLong());
        JsonNode filtered = ok("/api/vms/" + VM + "/timeline?vcpu=7");
        long inLane = filtered.get("lanes").get(1).get("zaps").asLong();
        assertEquals(all.stream().filter(x -> x[1] == 7 || x[1] == -1).count(), inLane);
        assertTrue(filtered.get("events_in_window").asLong() < events);

        JsonNode h = ok("/api/vms/" + VM + "/seek?what=hazard&from=0");
        assertTrue(h.get("found").asBoolean());
        JsonNode hz = h.get("hazard");
        assertTrue(hz.has("demanded") && hz.has("kind") && hz.has("start_gfn"), hz.toString());
        assertFalse(ok("/api/vms/" + VM + "/seek?what=event&direction=prev&from=0").get("found").asBoolean());
        assertEquals(1, ok("/api/vms/" + VM + "/seek?what=event&from=0").get("offset").asLong());
        assertEquals(400, ApiFixture.get(server.port(), "/api/vms/" + VM + "/seek?what=zaps&from=0").status());
        assertEquals(400, ApiFixture.get(server.port(), "/api/vms/" + VM + "/seek?what=zap").status());
        JsonNode doc = ok("/api/openapi.json");
        assertTrue(doc.get("paths").has("/api/vms/{vm}/timeline") && doc.get("paths").has("/api/vms/{vm}/seek"));
        ApiServerTest.assertRefsResolve(doc, doc);
    }
}
