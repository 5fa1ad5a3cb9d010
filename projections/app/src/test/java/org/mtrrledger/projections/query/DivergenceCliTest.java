package org.mtrrledger.projections.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.projections.cli.CliRun;
import org.mtrrledger.events.testing.Ev;
import org.mtrrledger.projections.StoreFixture;

/** The CLI's read side over a real store: divergence, memtype and exit codes. */
class DivergenceCliTest {
    private static final String VM = "vm-hole";

    /** WB 0-4 GiB (pair 0) and UC 3-4 GiB (pair 1); E=1, FE=0, default UC. */
    private static void foldUcHole(Path data) {
        StoreFixture.fold(data.resolve("store"), List.of(Ev.create(VM, 0), Ev.msr(VM, 0, 0x200, 0x6),
                Ev.msr(VM, 0, 0x201, 0x3fff00000800L), Ev.msr(VM, 0, 0x202, 0xc0000000L),
                Ev.msr(VM, 0, 0x203, 0x3fffc0000800L), Ev.msr(VM, 0, 0x2ff, 0x800)), 1000, 100);
    }

    private static String[] run(String... args) {
        CliRun r = CliRun.of(args);
        return new String[] {Integer.toString(r.code()), r.out(), r.err()};
    }

    @Test
    void shouldListTheUcHoleWhereKvmSaysWbAndTheSdmSaysUc(@TempDir Path data) {
        foldUcHole(data);
        String[] r = run("divergence", "--data", data.toString(), "--json");
        assertEquals("0", r[0], r[2]);
        assertEquals("{\"vm\":\"vm-hole\",\"vcpu\":0,\"partition\":0,\"offset\":5,\"start_gfn\":\"0xc0000\","
                + "\"end_gfn\":\"0x100000\",\"kvm\":\"WB\",\"sdm\":\"UC\"}", r[1].trim());
    }

    @Test
    void shouldShowTheKvmAndSdmMemtypeOfTheHole(@TempDir Path data) {
        foldUcHole(data);
        String[] kvm = run("memtype", "--data", data.toString(), "--vm", VM, "--gpa", "0xc0001000", "--json");
        assertTrue(kvm[1].contains("\"memtype\":\"WB\""), kvm[1]);
        String[] sdm = run("memtype", "--data", data.toString(), "--vm", VM, "--gpa", "0xc0001000", "--json",
                "--resolver", "sdm");
        assertTrue(sdm[1].contains("\"memtype\":\"UC\""), sdm[1]);
    }

    @Test
    void shouldReportEveryMtrrMsrAsRdmsrReturnsIt(@TempDir Path data) {
        foldUcHole(data);
        String[] r = run("state", "--data", data.toString(), "--vm", VM, "--vcpu", "0", "--json");
        assertEquals("0", r[0], r[2]);
        String json = r[1].trim();
        assertTrue(json.contains("\"0xfe\":\"0x508\""), json);
        assertTrue(json.contains("\"0x203\":\"0x3fffc0000800\""), "mask read back without the reserved bits: " + json);
        assertTrue(json.contains("\"0x205\":\"0x0\""), "a never-written mask reads 0: " + json);
        assertTrue(json.contains("\"0x277\":\"0x7040600070406\""), "PAT power-up value: " + json);
        assertTrue(json.contains("\"0x2ff\":\"0x800\""), json);
        assertTrue(json.contains("\"list_order\":[1,0]"), "UC pair (higher base) first: " + json);
    }

    @Test
    void shouldExitWith2OnABadOptionValueAnd1OnAnUnknownVm(@TempDir Path data) {
        foldUcHole(data);
        assertEquals("2", run("memtype", "--data", data.toString(), "--vm", VM, "--kernel", "v5.0")[0]);
        assertEquals("2", run("memtype", "--bogus")[0]);
        String[] unknown = run("memtype", "--data", data.toString(), "--vm", "nope");
        assertEquals("1", unknown[0]);
        assertTrue(unknown[2].contains("unknown VM 'nope' (known: vm-hole)"), unknown[2]);
    }
}
