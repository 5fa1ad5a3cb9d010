package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.parse.LogParser;
import org.mtrrledger.events.parse.ParseOptions;
import org.mtrrledger.events.parse.ParsedLog;
import org.mtrrledger.projections.capture.RealBoot;

/**
 * A real boot end to end: {@code mtrr capture --replay} boots Debian's SeaBIOS and Linux (2 vCPUs, non-coherent DMA)
 * under QEMU, and the trace it writes is ingested into the real broker, folded, and queried.
 *
 * <p>The expected zaps are derived from the code the guest runs (domain doc §5.2, §7): under v6.4 each DEF_TYPE
 * write zaps everything while non-coherent DMA is registered, and nothing else does. SeaBIOS programs the MTRRs on
 * every vCPU (2 DEF_TYPE writes each), Linux's BSP does it once early and every CPU once more in the rendezvous
 * (2 each), and QEMU loads every vCPU's MTRRs twice (after creation and after the system reset, DEF_TYPE = 0):
 * 2×2 + 2 + 2×2 guest zaps and 2×2 host-initiated ones.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class RealBootCaptureTest extends WithEmbeddedBroker {
    private static final String VM = "seabios-2vcpu";
    private static final long DEF_TYPE = 0x2ff;
    private static final long LINUX_PAT = 0x0407050600070106L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path trace;
    private static ItSupport.CliResult capture;

    @BeforeAll
    static void captureAndReplay() {
        trace = dir.resolve(VM + ".trace");
        capture = ItSupport.cliOk("capture", "--firmware", "seabios", "--kernel", RealBoot.kernel().toString(),
                "--smp", "2", "--memory", "1G", "--noncoherent-dma", "-o", trace.toString(), "--replay",
                "--bootstrap", broker.bootstrap(), "--data", dir.resolve("data").toString());
    }

    private static List<MtrrEvent> events() throws IOException {
        try (ParsedLog log = LogParser.openAuto(trace, ParseOptions.DEFAULTS)) {
            return log.readAll();
        }
    }

    @Test
    void shouldWriteATraceThatParsesLikeATraceCmdReportOfEveryVcpu() throws IOException {
        List<MtrrEvent> events = events();
        assertTrue(events.stream().allMatch(e -> e.getVm().equals(VM)), "the VM id is the file's stem");
        assertEquals(List.of(0, 1), events.stream().filter(e -> e.getTimestampNs() != null).map(MtrrEvent::getVcpu)
                .distinct().sorted().toList(), "every vCPU's writes are traced lines with timestamps");
        assertTrue(Files.readAllLines(trace, StandardCharsets.UTF_8).stream()
                .anyMatch(l -> l.matches("\\s+CPU 1/KVM-\\d+ +\\[001\\] +\\d+\\.\\d{6}: kvm_msr: +msr_write 2ff = 0xc06")),
                "trace-cmd report lines");
    }

    @Test
    void shouldRecordSeaBiosAndLinuxProgrammingTheMtrrsOnEveryVcpu() throws IOException {
        Map<Integer, List<Long>> defType = new TreeMap<>();
        Map<Integer, List<Long>> pat = new TreeMap<>();
        for (MtrrEvent e : events()) {
            if (e.getPayload() instanceof MsrWrite w && !w.getHostInitiated()) {
                if (w.getMsr() == DEF_TYPE) {
                    defType.computeIfAbsent(e.getVcpu(), k -> new ArrayList<>()).add(w.getValue());
                } else if (w.getMsr() == 0x277) {
                    pat.computeIfAbsent(e.getVcpu(), k -> new ArrayList<>()).add(w.getValue());
                }
            }
        }
        assertEquals(Map.of(0, List.of(0L, 0xc06L, 0L, 0xc06L, 0L, 0xc06L), 1, List.of(0L, 0xc06L, 0L, 0xc06L)), defType,
                "SeaBIOS on each vCPU, Linux's BSP early, then the rendezvous on each: MTRRs disabled, then WB default");
        assertEquals(Map.of(0, List.of(LINUX_PAT, LINUX_PAT), 1, List.of(LINUX_PAT)), pat);
    }

    @Test
    void shouldZapUnderV64OncePerDefTypeWriteOfGuestAndQemu() throws IOException {
        ItSupport.CliResult r = ItSupport.cliOk("zaps", "--vm", VM, "--policy", "v6.4", "--json", "--data",
                dir.resolve("data").toString());
        List<String> lines = Files.readAllLines(trace, StandardCharsets.UTF_8);
        int guest = 0;
        int host = 0;
        for (String json : r.out().strip().split("\n")) {
            JsonNode zap = JSON.readTree(json);
            assertEquals("0x0", zap.get("start_gfn").asText());
            assertEquals("0xfffffffffffff", zap.get("end_gfn").asText(), "ALL52");
            assertEquals("0x2ff", zap.get("trigger").get("msr").asText());
            String source = zap.get("trigger").get("source").asText();
            String line = lines.get(Integer.parseInt(source.substring(source.lastIndexOf(':') + 1)) - 1);
            if (line.startsWith("# mtrr: host_msr_write")) {
                host++;
            } else {
                assertTrue(line.contains("kvm_msr:"), line);
                guest++;
            }
        }
        assertEquals(10, guest, "2x2 SeaBIOS + 2 Linux BSP early + 2x2 rendezvous");
        assertEquals(4, host, "QEMU's two MTRR loads per vCPU");
        assertTrue(capture.out().lines().anyMatch(l -> l.matches("v6\\.4\\s+14\\s+0\\s+14\\s.*")), capture.out());
    }

    @Test
    void shouldCountWritesToMsrsOutsideTheMtrrsAsIgnoredNotRejected() throws IOException {
        long others = events().stream().filter(e -> e.getPayload() instanceof MsrWrite w && !w.getHostInitiated()
                && w.getMsr() > 0x2ff).count();
        assertTrue(others > 0, "Linux writes EFER and the SYSCALL MSRs");
        assertTrue(capture.out().contains(" (0 rejected"), capture.out());
    }
}
