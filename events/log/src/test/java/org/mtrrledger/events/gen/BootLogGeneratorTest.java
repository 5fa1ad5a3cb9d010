package org.mtrrledger.events.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.GeneratorPosition;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;
import org.mtrrledger.events.parse.EventRules;
import org.mtrrledger.events.parse.LogFormat;
import org.mtrrledger.events.parse.LogParser;
import org.mtrrledger.events.parse.LogWriter;
import org.mtrrledger.events.parse.ParseOptions;
import org.mtrrledger.events.parse.ParsedLog;

class BootLogGeneratorTest {
    static final long WB8 = 0x0606060606060606L;
    static final long WP8 = 0x0505050505050505L;
    static final long PAT_LINUX = 0x0407050600070106L;

    static final GeneratorSpec SEABIOS_Q35_46BIT_4VCPU = GeneratorSpec.defaults().withSeed(7)
            .withFirmware(FirmwareChoice.SEABIOS).withVcpus(VcpuRange.exactly(4));
    static final GeneratorSpec OVMF_Q35_4GIB_4VCPU = GeneratorSpec.defaults().withSeed(11)
            .withFirmware(FirmwareChoice.OVMF).withVcpus(VcpuRange.exactly(4));
    static final GeneratorSpec EVERYTHING_TWO_VMS = GeneratorSpec.defaults().withSeed(3).withVms(2)
            .withFirmware(FirmwareChoice.MIXED).withVcpus(new VcpuRange(2, 5))
            .withNoncoherentDma(NoncoherentDma.BEFORE_BOOT).withScenarios(Scenarios.all());

    /** doc §7.1 table, q35 (pcimem_start 0xC0000000), phys_bits 46. */
    static final List<long[]> SEABIOS_Q35_46BIT_WRITES = seabiosExpected();

    static List<long[]> seabiosExpected() {
        List<long[]> w = new ArrayList<>();
        w.add(new long[] {0x2ff, 0});
        w.add(new long[] {0x250, WB8});
        w.add(new long[] {0x258, WB8});
        w.add(new long[] {0x259, 0});
        for (long msr = 0x268; msr <= 0x26f; msr++) {
            w.add(new long[] {msr, WP8});
        }
        for (long msr = 0x200; msr <= 0x20f; msr++) {
            w.add(new long[] {msr, 0});
        }
        w.add(new long[] {0x200, 0xc0000000L});
        w.add(new long[] {0x201, 0x3fffc0000800L});
        w.add(new long[] {0x2ff, 0xc06});
        return w;
    }

    static List<MtrrEvent> generate(GeneratorSpec spec) {
        List<MtrrEvent> all = new ArrayList<>();
        BootLogGenerator.iterator(spec).forEachRemaining(all::add);
        return all;
    }

    static List<MtrrEvent> ofVcpu(List<MtrrEvent> events, int vcpu) {
        return events.stream().filter(e -> e.getVcpu() != null && e.getVcpu() == vcpu).toList();
    }

    static List<long[]> guestMsrWrites(List<MtrrEvent> events) {
        return events.stream().filter(e -> e.getPayload() instanceof MsrWrite w && !w.getHostInitiated())
                .map(e -> (MsrWrite) e.getPayload()).map(w -> new long[] {w.getMsr(), w.getValue()}).toList();
    }

    static String render(List<long[]> writes) {
        return writes.stream().map(w -> Long.toHexString(w[0]) + "=" + Long.toHexString(w[1]))
                .collect(Collectors.joining(", "));
    }

    /** Index of the first event of {@code vcpu} that is a CR0 write of {@code value}. */
    static int firstCr0(List<MtrrEvent> events, int vcpu, long value) {
        for (int i = 0; i < events.size(); i++) {
            MtrrEvent e = events.get(i);
            if (e.getVcpu() != null && e.getVcpu() == vcpu && e.getPayload() instanceof Cr0Write c
                    && c.getValue() == value) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void shouldGenerateSameEventsForSameSeedAndOthersForAnother() {
        assertEquals(generate(EVERYTHING_TWO_VMS), generate(EVERYTHING_TWO_VMS));
        assertNotEquals(generate(EVERYTHING_TWO_VMS), generate(EVERYTHING_TWO_VMS.withSeed(4)));
    }

    @Test
    void shouldStampGeneratorPositionsAndStrictlyIncreasingTimestamps() {
        List<MtrrEvent> events = generate(EVERYTHING_TWO_VMS);
        for (int i = 0; i < events.size(); i++) {
            assertEquals(new GeneratorPosition(3L, (long) i), events.get(i).getSource());
            assertEquals(java.util.Optional.empty(), EventRules.violation(events.get(i)));
            if (i > 0) {
                assertTrue(events.get(i).getTimestampNs() > events.get(i - 1).getTimestampNs());
            }
        }
    }

    @Test
    void shouldOpenEachVmWithConfigThenCreatesThenDmaRegistration() {
        List<MtrrEvent> events = generate(SEABIOS_Q35_46BIT_4VCPU.withNoncoherentDma(NoncoherentDma.BEFORE_BOOT)
                .withQuirkCdNwCleared(false).withMaxPhysAddr(39));
        assertEquals(new VmConfig(39, true, true, false), events.get(0).getPayload());
        for (int v = 0; v < 4; v++) {
            assertEquals(v, events.get(1 + v).getVcpu());
            assertEquals(new VcpuLifecycle(LifecycleOp.CREATE, 0x60000010L), events.get(1 + v).getPayload());
        }
        assertEquals(new DmaOp(DmaOpKind.NONCOHERENT_REGISTER, "0000:01:00.0", null, null, null),
                events.get(5).getPayload());
    }

    @Test
    void shouldEmitSeaBiosBspThirtyOneWritesInDocOrderAfterCr0Transition() {
        List<MtrrEvent> bsp = ofVcpu(generate(SEABIOS_Q35_46BIT_4VCPU), 0);
        assertEquals(new Cr0Write(0x11L), bsp.get(1).getPayload(), "CREATE, then transition32");
        List<long[]> firmware = guestMsrWrites(bsp.subList(2, 33));
        assertEquals(render(SEABIOS_Q35_46BIT_WRITES), render(firmware));
    }

    @Test
    void shouldReplaySameSeaBiosListOnEveryApAfterInitAndCr0() {
        List<MtrrEvent> events = generate(SEABIOS_Q35_46BIT_4VCPU);
        for (int ap = 1; ap < 4; ap++) {
            List<MtrrEvent> mine = ofVcpu(events, ap);
            assertEquals(new VcpuLifecycle(LifecycleOp.INIT, null), mine.get(1).getPayload());
            assertEquals(new Cr0Write(0x11L), mine.get(2).getPayload());
            assertEquals(render(SEABIOS_Q35_46BIT_WRITES), render(guestMsrWrites(mine.subList(3, 34))));
        }
    }

    @Test
    void shouldUseI440fxPcimemStartForSmallRam() {
        List<MtrrEvent> bsp = ofVcpu(generate(SEABIOS_Q35_46BIT_4VCPU.withMachine(Machine.I440FX)
                .withRamBytes(2 * GeneratorSpec.GIB)), 0);
        List<long[]> writes = guestMsrWrites(bsp);
        assertEquals("200=80000000, 201=3fff80000800", render(writes.subList(28, 30)));
    }

    /** Final per-vCPU MSR values when the firmware is done (before the Linux kernel entry write). */
    static Map<Long, Long> firmwareState(List<MtrrEvent> events, int vcpu) {
        int linux = firstCr0(events, 0, 0x80050033L);
        Map<Long, Long> state = new TreeMap<>();
        for (MtrrEvent e : events.subList(0, linux)) {
            if (e.getVcpu() != null && e.getVcpu() == vcpu && e.getPayload() instanceof MsrWrite w) {
                state.put(w.getMsr(), w.getValue());
            }
        }
        return state;
    }

    /** Doc §7.2's PEI state plus the DXE aperture at 46 bits (the top eighth, as ovmf capture :1113-1118 at 40). */
    @Test
    void shouldLeaveOvmfStateOfDocSection72AndTheDxeApertureOnEveryVcpu() {
        List<MtrrEvent> events = generate(OVMF_Q35_4GIB_4VCPU);
        Map<Long, Long> expected = new TreeMap<>();
        expected.put(0x2ffL, 0xc06L);
        expected.put(0x250L, WB8);
        expected.put(0x258L, WB8);
        expected.put(0x259L, 0L);
        for (long msr = 0x268; msr <= 0x26f; msr++) {
            expected.put(msr, 0L);
        }
        for (long msr = 0x204; msr <= 0x20f; msr++) {
            expected.put(msr, 0L);
        }
        expected.put(0x200L, 0x80000000L);
        expected.put(0x201L, 0x3fff80000800L);
        expected.put(0x202L, 0x380000000000L);
        expected.put(0x203L, 0x380000000800L);
        for (int v = 0; v < 4; v++) {
            assertEquals(expected, firmwareState(events, v), "vCPU " + v);
        }
    }

    @Test
    void shouldWrapEveryOvmfBspChangeInMtrrLibPreAndPost() {
        List<MtrrEvent> bsp = ofVcpu(generate(OVMF_Q35_4GIB_4VCPU), 0);
        List<Long> defTypes = new ArrayList<>();
        List<Long> cr0s = new ArrayList<>();
        for (MtrrEvent e : bsp.subList(0, firstCr0(bsp, 0, 0x80050033L))) {
            if (e.getPayload() instanceof MsrWrite w && w.getMsr() == 0x2ff) {
                defTypes.add(w.getValue());
            } else if (e.getPayload() instanceof Cr0Write c) {
                cr0s.add(c.getValue());
            }
        }
        // samples/captures/ovmf-linux-8vcpu-16g-q35-dma.trace:479-530 and :1113-1118: the first MtrrSetAllMtrrs
        // runs with CD still set from the ResetVector, so its pre-change CR0 write does not exit; DXE's WP does not.
        assertEquals(List.of(0x0L, 0xc06L, 0x406L, 0xc06L, 0x406L, 0xc06L, 0x406L, 0xc06L), defTypes);
        assertEquals(List.of(0x40000023L, 0xc0000033L, 0x80000033L, 0xc0000033L, 0x80000033L, 0xc0000033L,
                0x80000033L, 0xc0010033L, 0x80010033L), cr0s);
    }

    /** ovmf capture :531-1433: six MpInitLib wakes, three with MtrrSetAllMtrrs, the last parking with paging off. */
    @Test
    void shouldWakeEveryOvmfApSixTimesAndSyncItsMtrrsThrice() {
        for (boolean tcg : new boolean[] {false, true}) {
            List<MtrrEvent> events = generate(OVMF_Q35_4GIB_4VCPU.withVcpus(VcpuRange.exactly(8))
                    .withScenarios(Scenarios.NONE.withTcg(tcg)));
            List<MtrrEvent> firmware = events.subList(0, firstCr0(events, 0, 0x80050033L));
            for (int ap = 1; ap < 8; ap++) {
                List<MtrrEvent> mine = ofVcpu(firmware, ap);
                assertEquals(6, mine.stream().filter(e -> e.getPayload() instanceof VcpuLifecycle l
                        && l.getOp() == LifecycleOp.INIT).count(), "INITs of AP " + ap);
                List<long[]> writes = guestMsrWrites(mine);
                List<Long> defTypes = writes.stream().filter(w -> w[0] == 0x2ff).map(w -> w[1]).toList();
                // KVM keeps the MTRRs across INIT, so MtrrLib finds E set and clears only E; TCG's INIT zeroes them.
                assertEquals(tcg ? List.of(0L, 0xc06L, 0L, 0xc06L, 0L, 0xc06L)
                        : List.of(0L, 0xc06L, 0x406L, 0xc06L, 0x406L, 0xc06L), defTypes, "tcg " + tcg);
                assertEquals(81, writes.size() - defTypes.size(), "3 x 11 fixed + 16 variable");
                assertEquals(new Cr0Write(0x10033L), mine.get(mine.size() - 1).getPayload());
            }
        }
    }

    /** Under TCG the rendezvous runs one CPU at a time, and Linux rewrites what INIT zeroed (ovmf capture :1589-1599). */
    @Test
    void shouldRunVcpusInTurnAndRewriteZeroedApMtrrsUnderTcg() {
        List<MtrrEvent> events = generate(OVMF_Q35_4GIB_4VCPU.withMaxPhysAddr(40)
                .withScenarios(Scenarios.NONE.withTcg(true)));
        int start = firstCr0(events, 3, 0x80050033L) + 2;
        List<MtrrEvent> rendezvous = events.subList(start, events.size());
        for (int i = 1; i < rendezvous.size(); i++) {
            boolean sameCpu = rendezvous.get(i).getVcpu().equals(rendezvous.get(i - 1).getVcpu());
            assertEquals(sameCpu, !(rendezvous.get(i).getPayload() instanceof Cr0Write c && c.getValue() == 0xc0050033L),
                    "a CPU runs its whole cache_cpu_init before the next starts");
        }
        assertEquals("2ff=0, 200=80000000, 201=ff80000800, 202=e000000000, 203=e000000800, 250=" + Long.toHexString(WB8)
                + ", 258=" + Long.toHexString(WB8) + ", 277=" + Long.toHexString(PAT_LINUX) + ", 2ff=c06",
                render(guestMsrWrites(ofVcpu(rendezvous, 2))));
    }

    /** seabios capture :742-1037: after the APs, POST switches between 16- and 32-bit mode 148 times on the BSP. */
    @Test
    void shouldToggleSeaBiosBspPeBetweenTheApsAndLinux() {
        List<MtrrEvent> events = generate(SEABIOS_Q35_46BIT_4VCPU);
        List<MtrrEvent> bsp = ofVcpu(events.subList(0, firstCr0(events, 0, 0x80050033L)), 0);
        List<Object> cr0s = bsp.stream().map(MtrrEvent::getPayload).filter(p -> p instanceof Cr0Write).toList();
        assertEquals(1 + 2 * 148, cr0s.size());
        for (int i = 1; i < cr0s.size(); i++) {
            assertEquals(new Cr0Write(i % 2 == 1 ? 0x10L : 0x11L), cr0s.get(i));
        }
        assertTrue(events.indexOf(bsp.get(bsp.size() - 1)) > firstCr0(events, 3, 0x11L), "after the last AP");
    }

    @Test
    void shouldWritePatAndDefTypeZeroThenC06PerCpuInLinuxAndNoOtherMtrr() {
        for (GeneratorSpec spec : List.of(SEABIOS_Q35_46BIT_4VCPU, OVMF_Q35_4GIB_4VCPU)) {
            List<MtrrEvent> events = generate(spec);
            for (int v = 0; v < 4; v++) {
                int from = v == 0 ? firstCr0(events, 0, 0x80050033L) : firstCr0(events, v, 0x50033L);
                List<long[]> linux = guestMsrWrites(ofVcpu(events.subList(from, events.size()), v));
                String perCpu = "2ff=0, 277=" + Long.toHexString(PAT_LINUX) + ", 2ff=c06";
                assertEquals(v == 0 ? perCpu + ", " + perCpu : perCpu, render(linux), spec.firmware() + " vCPU " + v);
            }
            assertEquals(new Cr0Write(0xc0050033L), events.get(firstCr0(events, 0, 0x80050033L) + 1).getPayload());
        }
    }

    @Test
    void shouldInterleaveRendezvousButKeepEachCpusOrder() {
        List<MtrrEvent> events = generate(SEABIOS_Q35_46BIT_4VCPU.withVcpus(VcpuRange.exactly(8)));
        int start = firstCr0(events, 7, 0x80050033L) + 2; // after the last AP's trampoline and ONLINE
        List<Integer> order = events.subList(start, events.size()).stream().map(MtrrEvent::getVcpu).toList();
        assertEquals(40, order.size());
        List<Integer> grouped = new ArrayList<>(order);
        grouped.sort(null);
        assertNotEquals(grouped, order, "stop_machine CPUs run concurrently");
        for (int v = 0; v < 8; v++) {
            int cpu = v;
            List<Object> mine = events.subList(start, events.size()).stream().filter(e -> e.getVcpu() == cpu)
                    .map(MtrrEvent::getPayload).toList();
            assertEquals(new Cr0Write(0xc0050033L), mine.get(0));
            assertEquals(new Cr0Write(0x80050033L), mine.get(4));
        }
    }

    @Test
    void shouldEmitQemuResetWritesInKvmPutMsrsOrder() {
        List<MtrrEvent> events = generate(SEABIOS_Q35_46BIT_4VCPU.withScenarios(Scenarios.NONE.withQemuResetWrites(true)));
        List<MtrrEvent> v2 = ofVcpu(events, 2);
        List<Long> expected = new ArrayList<>(List.of(0x2ffL, 0x250L, 0x258L, 0x259L));
        for (long m = 0x268; m <= 0x26f; m++) {
            expected.add(m);
        }
        for (long m = 0x200; m <= 0x20f; m++) {
            expected.add(m);
        }
        // After creation, then after the system reset (ovmf capture :23-478).
        assertEquals(new VcpuLifecycle(LifecycleOp.RESET, null), v2.get(29).getPayload());
        for (int from : new int[] {1, 30}) {
            List<Long> msrs = v2.subList(from, from + 28).stream().map(e -> (MsrWrite) e.getPayload())
                    .peek(w -> assertTrue(w.getHostInitiated() && w.getValue() == 0)).map(MsrWrite::getMsr).toList();
            assertEquals(expected, msrs);
        }
    }

    @Test
    void shouldRewriteEveryDifferingMtrrOnHotAddedVcpu() {
        List<MtrrEvent> events = generate(SEABIOS_Q35_46BIT_4VCPU.withScenarios(Scenarios.NONE.withCpuHotAdd(true)));
        List<MtrrEvent> fresh = ofVcpu(events, 4);
        assertEquals(new VcpuLifecycle(LifecycleOp.CREATE, 0x60000010L), fresh.get(0).getPayload());
        assertEquals("2ff=0, 200=c0000000, 201=3fffc0000800, 250=" + Long.toHexString(WB8) + ", 258="
                + Long.toHexString(WB8) + ", 268=" + Long.toHexString(WP8) + ", 269=" + Long.toHexString(WP8)
                + ", 26a=" + Long.toHexString(WP8) + ", 26b=" + Long.toHexString(WP8) + ", 26c=" + Long.toHexString(WP8)
                + ", 26d=" + Long.toHexString(WP8) + ", 26e=" + Long.toHexString(WP8) + ", 26f=" + Long.toHexString(WP8)
                + ", 277=" + Long.toHexString(PAT_LINUX) + ", 2ff=c06", render(guestMsrWrites(fresh)));
        assertEquals(new VcpuLifecycle(LifecycleOp.ONLINE, null), fresh.get(fresh.size() - 1).getPayload());
    }

    @Test
    void shouldAddAndDeleteRuntimeMtrrOnAllCpusAndKeepPci64HoleAcrossKexec() {
        GeneratorSpec spec = SEABIOS_Q35_46BIT_4VCPU.withScenarios(Scenarios.NONE.withRuntimeMtrrAddDel(true)
                .withPci64HoleUc(Pci64HoleUc.KERNEL).withKexecReboot(true));
        List<MtrrEvent> events = generate(spec);
        for (int v = 0; v < 4; v++) {
            List<long[]> writes = guestMsrWrites(ofVcpu(events, v));
            String all = render(writes);
            assertTrue(all.contains("202=800000000, 203=3ff800000800"), all);
            assertTrue(all.contains("204=1000000001, 205=3ffff0000800"), all);
            assertTrue(all.contains("205=0"), all);
        }
        // kexec: the new kernel snapshots the BSP (UC hole and the deleted slot's stale base included), so every
        // CPU already matches and the BSP-early + rendezvous passes write only DEF_TYPE and PAT.
        List<long[]> bsp = guestMsrWrites(ofVcpu(events, 0));
        String perCpu = "2ff=0, 277=" + Long.toHexString(PAT_LINUX) + ", 2ff=c06";
        assertEquals(perCpu + ", " + perCpu, render(bsp.subList(bsp.size() - 6, bsp.size())));
        assertEquals(3, ofVcpu(events, 1).stream().filter(e -> e.getPayload() instanceof VcpuLifecycle l
                && l.getOp() == LifecycleOp.INIT).count(), "SeaBIOS SIPI, Linux boot, kexec'd Linux boot");
    }

    @Test
    void shouldRegisterDmaAtRequestedPhaseOrEventIndex() {
        List<MtrrEvent> atPhase = generate(SEABIOS_Q35_46BIT_4VCPU
                .withNoncoherentDma(new NoncoherentDma.AtPhase(BootPhase.LINUX_RENDEZVOUS)));
        int reg = indexOfRegister(atPhase);
        assertEquals(new Cr0Write(0xc0050033L), atPhase.get(reg + 1).getPayload());
        assertTrue(reg > firstCr0(atPhase, 3, 0x80050033L));
        List<MtrrEvent> atEvent = generate(SEABIOS_Q35_46BIT_4VCPU.withNoncoherentDma(new NoncoherentDma.AtEvent(40)));
        assertEquals(40, indexOfRegister(atEvent));
    }

    static int indexOfRegister(List<MtrrEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).getPayload() instanceof DmaOp d && d.getOp() == DmaOpKind.NONCOHERENT_REGISTER) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void shouldSpreadRequestedDmaTransfers() {
        List<MtrrEvent> events = generate(OVMF_Q35_4GIB_4VCPU.withScenarios(Scenarios.NONE.withDmaTransfers(5, 4)));
        List<DmaOp> transfers = events.stream().filter(e -> e.getPayload() instanceof DmaOp)
                .map(e -> (DmaOp) e.getPayload()).toList();
        assertEquals(9, transfers.size());
        for (DmaOp t : transfers) {
            assertEquals(DmaOpKind.TRANSFER, t.getOp());
            assertTrue(t.getGpa() >= 0x100000L && t.getGpa() + t.getLength() <= 0x80000000L);
        }
    }

    @Test
    void shouldRoundTripGeneratedLogsThroughBothWritersAndParsers() throws Exception {
        List<MtrrEvent> events = generate(EVERYTHING_TWO_VMS.withNoncoherentDma(new NoncoherentDma.AtEvent(100)));
        for (LogFormat format : LogFormat.values()) {
            StringWriter out = new StringWriter();
            try (LogWriter writer = LogWriter.of(format, out)) {
                for (MtrrEvent e : events) {
                    writer.write(e);
                }
            }
            try (ParsedLog log = LogParser.forFormat(format).open("gen", new StringReader(out.toString()),
                    ParseOptions.DEFAULTS)) {
                List<MtrrEvent> back = log.readAll();
                assertEquals(events.size(), back.size());
                for (int i = 0; i < events.size(); i++) {
                    MtrrEvent e = events.get(i);
                    MtrrEvent expected = new MtrrEvent(e.getVm(), e.getVcpu(), e.getTimestampNs(), null,
                            e.getPayload(), e.getIngest());
                    back.get(i).setSource(null);
                    assertEquals(expected, back.get(i), format + " event " + i);
                }
            }
        }
    }

    @Test
    void shouldPlanFleetNearTargetEventCount() {
        FleetGenerator.FleetPlan plan = FleetGenerator.plan(FleetGenerator.typicalFleet(5).withVcpus(new VcpuRange(2, 6)), 20_000);
        long actual = BootLogGenerator.stream(plan.spec()).count();
        assertTrue(Math.abs(actual - 20_000) < 4_000, "planned " + plan + ", got " + actual);
    }
}
