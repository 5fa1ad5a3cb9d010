package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.projections.StoreFixture;
import org.mtrrledger.projections.api.ApiFixture;
import org.mtrrledger.events.parse.TraceTimestamp;
import org.mtrrledger.projections.cli.MtrrCli;
import picocli.CommandLine;

/** Issue 15: navigating by what users know (positions, `vms`, event filters) and the one-line usage-error promise. */
class NavigationCliTest {
    static final String VM = "ovmf-linux-4vcpu-0";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;

    static int events;

    @BeforeAll
    static void fold() {
        var log = ApiFixture.sample();
        events = log.size();
        StoreFixture.fold(data.resolve("store"), log, 16, 50);
    }

    static ItSupport.CliResult mtrr(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, "--data");
        all.add(2, data.toString());
        return ItSupport.cli(all.toArray(String[]::new));
    }

    static List<JsonNode> lines(String s) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : s.split("\n")) {
            if (!l.isBlank()) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    static JsonNode event(long offset) throws Exception {
        ItSupport.CliResult r = mtrr("events", "--vm", VM, "--from", "" + offset, "--to", "" + offset, "--json");
        assertEquals(0, r.exitCode(), r.toString());
        return lines(r.out()).get(0);
    }

    @Test
    void shouldResolveEventNumberSourceLineAndTimestampToTheSameOffset() throws Exception {
        JsonNode e = event(40);
        String source = e.get("source").asText();
        String ts = e.get("ts").asText();
        String byOffset = mtrr("state", "--vm", VM, "--at", "40").out();
        String justAfter = TraceTimestamp.format(TraceTimestamp.parse(ts) + 1);
        for (String at : List.of("#41", source, "ts:" + ts, "ts:" + justAfter)) {
            ItSupport.CliResult r = mtrr("state", "--vm", VM, "--at", at);
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(byOffset, r.out(), at);
            assertTrue(r.err().contains("# --at " + at + " resolved to offset 40 of VM " + VM + " (partition 0)"),
                    r.toString());
        }
    }

    @Test
    void shouldMatchASourcePathByItsBasename() throws Exception {
        String source = event(7).get("source").asText();
        ItSupport.CliResult r = mtrr("audit", "--vm", VM, "--offset", "/any/dir/" + source, "--json");
        assertUsageError(r, "no event of VM " + VM + " was read from /any/dir/");
        r = mtrr("audit", "--vm", VM, "--offset", source, "--json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(7, lines(r.out()).get(0).get("offset").asLong(), r.toString());
        JsonNode resolved = lines(r.err()).get(0);
        assertEquals("--offset", resolved.get("resolved").asText());
        assertEquals(source, resolved.get("given").asText());
        assertEquals(7, resolved.get("offset").asLong());
    }

    @Test
    void shouldResolveRangesOfEveryListingCommand() throws Exception {
        String ts = event(30).get("ts").asText();
        ItSupport.CliResult byOffset = mtrr("events", "--vm", VM, "--from", "10", "--to", "30", "--json");
        ItSupport.CliResult byPosition = mtrr("events", "--vm", VM, "--from", "#11", "--to", "ts:" + ts, "--json");
        assertEquals(21, lines(byOffset.out()).size());
        assertEquals(byOffset.out(), byPosition.out());
        assertEquals(mtrr("zaps", "--vm", VM, "--from", "10", "--to", "300").out(),
                mtrr("zaps", "--vm", VM, "--from", "#11", "--to", "#301").out());
        assertEquals(mtrr("diff", "--vm", VM, "--from", "10", "--to", "300").out(),
                mtrr("diff", "--vm", VM, "--from", "#11", "--to", "#301").out());
    }

    @Test
    void shouldRejectAPositionOutsideTheVmsLogNamingItsFirstAndLastOffset() {
        for (String at : List.of("" + events, "#" + (events + 1), "ts:0.000001", "nowhere.trace:3")) {
            ItSupport.CliResult r = mtrr("memtype", "--vm", VM, "--at", at);
            assertUsageError(r, "--at " + at);
            if (!at.contains(":") && !at.startsWith("#")) {
                assertTrue(r.err().contains("offsets 0.." + (events - 1) + " of partition 0"), r.toString());
            }
        }
    }

    @Test
    void shouldAnswerEveryUsageErrorWithOneLineNamingTheOptionAndExit2() {
        List<String[]> cases = List.of(
                new String[] {"--at -1", "state", "--vm", VM, "--at", "-1"},
                new String[] {"--gpa 4G", "memtype", "--vm", VM, "--gpa", "4G"},
                new String[] {"--from 30 is after --to 10", "events", "--vm", VM, "--from", "30", "--to", "10"},
                new String[] {"--from 30 is after --to 10", "zaps", "--vm", VM, "--from", "30", "--to", "10"},
                new String[] {"--from 30 is after --to 10", "diff", "--vm", VM, "--from", "30", "--to", "10"},
                new String[] {"(offset 30) is after --to #11", "events", "--vm", VM, "--from", "#31", "--to", "#11"},
                new String[] {"kvm|sdm", "memtype", "--vm", VM, "--resolver", "linux"},
                new String[] {"v6.4|v6.7|v6.11", "diff", "--vm", VM, "--from", "1", "--to", "2", "--kernel", "v5"},
                new String[] {"one of msr_write, cr0_write, dma, vcpu, vm_config", "events", "--vm", VM, "--type",
                    "msr"},
                new String[] {"did you mean 'per-vm-dirty'?", "zaps", "--vm", VM, "--policy", "Per-VM-Dirt"},
                new String[] {"expected one of [", "run", "--durability", "fast"},
                new String[] {"--port must be 0..65535", "serve", "--port", "70000"},

                new String[] {"--vm", "events"},
                new String[] {"--vm", "state"},
                new String[] {"--att", "state", "--vm", VM, "--att", "3"});
        for (String[] c : cases) {
            assertUsageError(mtrr(java.util.Arrays.copyOfRange(c, 1, c.length)), c[0]);
        }
    }

    @Test
    void shouldCheckOptionsBeforeOpeningTheStore() {
        ItSupport.CliResult r = ItSupport.cli("memtype", "--data", data.resolve("none").toString(), "--vm", VM,
                "--gpa", "4G");
        assertUsageError(r, "--gpa 4G");
        assertUsageError(ItSupport.cli("gen", "-o", data.resolve("g.jsonl").toString(), "--ram", "4X"),
                "--ram: unknown unit in '4X'");
    }

    @Test
    void shouldSuggestTheNearestVmIgnoringCase() {
        ItSupport.CliResult r = mtrr("events", "--vm", VM.toUpperCase(java.util.Locale.ROOT));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("did you mean '" + VM + "'?"), r.toString());
        assertOneCleanLine(r);
    }

    @Test
    void shouldListTheVmsWithTheirRangesSourcesAndTimestamps() throws Exception {
        ItSupport.CliResult r = mtrr("vms", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode v = lines(r.out()).get(0);
        assertEquals(VM, v.get("vm").asText());
        assertEquals(0, v.get("partition").asInt());
        assertEquals(0, v.get("first_offset").asLong());
        assertEquals(events - 1, v.get("last_offset").asLong());
        assertEquals(4, v.get("vcpus").asInt());
        assertEquals(events, v.get("events").asLong());
        assertEquals("[\"ovmf-linux-4vcpu-dma.jsonl\"]", v.get("sources").toString());
        assertEquals(event(0).get("ts").asText(), v.get("first_ts").asText());
        assertEquals(event(events - 1).get("ts").asText(), v.get("last_ts").asText());
        String text = mtrr("vms").out();
        assertTrue(text.contains(VM) && text.contains("first offset") && text.contains(v.get("last_ts").asText()),
                text);
    }

    @Test
    void shouldFilterEventsByVcpuAndType() throws Exception {
        List<JsonNode> all = lines(mtrr("events", "--vm", VM, "--json").out());
        List<JsonNode> got = lines(mtrr("events", "--vm", VM, "--vcpu", "2,3", "--type", "cr0_write", "--json").out());
        long expected = all.stream().filter(j -> j.path("type").asText().equals("cr0_write")
                && (j.path("vcpu").asInt(-1) == 2 || j.path("vcpu").asInt(-1) == 3)).count();
        assertTrue(expected > 0, "the sample has CR0 writes on vCPUs 2 and 3");
        assertEquals(expected, got.size());
        assertTrue(got.size() < all.size());
    }

    @Test
    void shouldDescribeEveryOptionOfEveryCommandInHelp() {
        List<String> undescribed = new ArrayList<>();
        for (CommandLine sub : MtrrCli.commandLine().getSubcommands().values()) {
            for (CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
                if (o.description().length == 0 || o.description()[0].isBlank()) {
                    undescribed.add(sub.getCommandName() + " " + o.longestName());
                }
            }
        }
        assertEquals(List.of(), undescribed, "options without a --help description");
        String help = mtrr("policies", "--help").out();
        for (String column : List.of("zap calls", "degenerate", "full-range", "GFNs zapped", "memtype hazards",
                "IPAT hazards", "disagreements", "guest's own MTRRs disagree")) {
            assertTrue(help.contains(column), help);
        }
    }

    static void assertUsageError(ItSupport.CliResult r, String naming) {
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(naming), "names " + naming + ": " + r);
        assertOneCleanLine(r);
    }

    static void assertOneCleanLine(ItSupport.CliResult r) {
        List<String> errLines = r.err().lines().filter(l -> !l.startsWith("# store caught up")).toList();
        assertEquals(1, errLines.size(), r.toString());
        assertFalse(errLines.get(0).matches(".*(Exception|java\\.|\\bat org\\.|Try ').*"), r.toString());
    }
}
