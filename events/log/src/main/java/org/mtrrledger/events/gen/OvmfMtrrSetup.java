package org.mtrrledger.events.gen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.model.Cr0;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;

/**
 * OVMF's MTRR and CR0 writes (doc §7.2) as OVMF 2022.11 makes them in samples/captures/
 * ovmf-linux-8vcpu-16g-q35-dma.trace (the {@code :N} below are its lines).
 *
 * <p>BSP, SEC and PEI ({@link #runBsp}, :479-530): the ResetVector's flat-32 and long-mode CR0, then
 * PlatformInitLib {@code MemDetect}: {@code MtrrSetAllMtrrs} (fixed all WB, variables zero, DEF_TYPE 0xC06),
 * {@code MtrrSetMemoryAttribute(0xA0000, 0x60000, UC)} and {@code MtrrSetMemoryAttribute(Uc32Base, 4G - Uc32Base,
 * UC)}, each inside MtrrLib's pre/post protocol ({@link MtrrLibChange}).
 *
 * <p>APs: MpInitLib wakes them with INIT-SIPI-SIPI six times ({@link ApWake}); every wake starts with the AP start-up
 * code (MpFuncs.nasm: CR0 |= PE|MP, PG on; {@code ApWakeupFunction} then restores the BSP's CR0) and each AP runs
 * its wake start to end, concurrently with the others. In between the BSP turns CR0.WP on in DXE (guest-owned with
 * EPT, so untraced) and, in DXE, sets its 64-bit PCI aperture UC ({@link #programPci64Aperture}).
 */
final class OvmfMtrrSetup {
    /** 64-bit PCI aperture at 32 GiB, 32 GiB long (Sean's VM, {@link Pci64HoleUc}). */
    static final long PCI64_BASE = 0x8_0000_0000L;
    static final long PCI64_SIZE = 0x8_0000_0000L;
    /**
     * edk2 ResetVector's flat-32 CR0 as OVMF 2022.11 writes it: PE|MP|NE with CD still set (:479 shows 0x40000023,
     * not the 0x23 of {@code SEC_DEFAULT_CR0}).
     */
    static final long SEC_FLAT32_CR0 = 0x40000023L;
    /** The ResetVector's long-mode switch: PG set on CR0 as read back (ET reads as 1): :481. */
    static final long SEC_LONG_MODE_CR0 = 0xc0000033L;
    /** MpFuncs.nasm real mode: PE|MP on the INIT CR0 (:546, 0x60000013); then long mode sets PG (:548). */
    static final long AP_PROTECTED = Cr0.RESET_VALUE | 0x3;
    static final long AP_LONG_MODE = AP_PROTECTED | Cr0.PG;

    /** What one MpInitLib wake of all APs does after the start-up code. */
    enum ApWake {
        /**
         * Nothing: PEI's {@code CollectProcessorCount} (:531-565) and DXE's {@code MpInitLibInitialize} taking the
         * APs over from PEI (:818-853).
         */
        COUNT,
        /**
         * {@code MtrrSetAllMtrrs} of the BSP's MTRRs: {@code ApInitializeSync} in PEI (:566-817) and DXE (:854-1112),
         * and CpuDxe's {@code StartupAllAPs(SetMtrrsFromBuffer)} after a BSP change (:1119-1377).
         */
        SYNC,
        /** ExitBootServices: {@code MpInitChangeApLoopCallback} parks the APs in a loop with paging off (:1378-1433). */
        PARK
    }

    private OvmfMtrrSetup() {
    }

    /** SEC and PEI on the BSP. */
    static void runBsp(VmSink sink) {
        MemoryLayout layout = sink.profile.layout();
        sink.guest(0, GuestOp.cr0(SEC_FLAT32_CR0));
        sink.guest(0, GuestOp.cr0(SEC_LONG_MODE_CR0));
        sink.pause(2_000, 20_000);
        sink.guest(0, MtrrLibChange.setAll(sink.cr0(0), sink.mtrrs(0).deftype(), initialSettings(sink.physBits()),
                sink.physBits()));
        sink.guest(0, MtrrLibChange.setMemoryAttributeUc(sink, 0, 0xA0000L, 0x60000L));
        long uc32Base = layout.ovmfUc32Base();
        sink.guest(0, MtrrLibChange.setMemoryAttributeUc(sink, 0, uc32Base, MemoryLayout.FOUR_GIB - uc32Base));
    }

    /** The settings PlatformPei passes to MtrrSetAllMtrrs: every fixed byte WB, variables zero, DEF_TYPE E|FE|WB. */
    static MtrrState initialSettings(int physBits) {
        MtrrState s = new MtrrState();
        for (int msr : FixedMtrr.msrs()) {
            s.write(MtrrMsr.FIXED, msr, FixedMtrr.uniform(MemType.WB.code), physBits);
        }
        s.write(MtrrMsr.DEF_TYPE, MtrrMsr.MSR_MTRR_DEF_TYPE,
                MtrrState.DEF_TYPE_E | MtrrState.DEF_TYPE_FE | MemType.WB.code, physBits);
        return s;
    }

    /** One wake of every AP: INIT to each (:531-537), then their start-up and {@code wake}'s work, concurrently. */
    static void wakeAps(VmSink sink, ApWake wake) {
        int vcpus = sink.vcpuCount();
        for (int ap = 1; ap < vcpus; ap++) {
            sink.lifecycle(ap, LifecycleOp.INIT);
        }
        long bspCr0 = sink.cr0(0);
        MtrrState table = sink.mtrrs(0);
        Map<Integer, List<GuestOp>> perAp = new LinkedHashMap<>();
        for (int ap = 1; ap < vcpus; ap++) {
            List<GuestOp> ops = new ArrayList<>(34);
            ops.add(GuestOp.cr0(AP_PROTECTED));
            ops.add(GuestOp.cr0(AP_LONG_MODE));
            ops.add(GuestOp.cr0(bspCr0));
            switch (wake) {
                case SYNC -> ops.addAll(MtrrLibChange.setAll(bspCr0, sink.mtrrs(ap).deftype(), table, sink.physBits()));
                case PARK -> ops.add(GuestOp.cr0(bspCr0 & ~Cr0.PG));
                case COUNT -> {
                }
            }
            perAp.put(ap, ops);
        }
        Interleaver.run(sink, perAp);
    }

    /** DXE turns CR0.WP on (the APs' restored CR0 has it from :903 on); WP is guest-owned, so nothing is traced. */
    static void dxeWriteProtect(VmSink sink) {
        sink.guest(0, GuestOp.cr0(sink.cr0(0) | Cr0.WP));
    }

    /**
     * PciHostBridgeDxe's 64-bit aperture set UC through CpuDxe's {@code SetMemoryAttributes} →
     * {@code MtrrSetMemoryAttribute} on the BSP (:1113-1118); the APs get it from the next {@link ApWake#SYNC}. With
     * {@code classic32GiB} the aperture is the fixed 32–64 GiB one of Sean's VM instead of the layout's.
     */
    static void programPci64Aperture(VmSink sink, boolean classic32GiB) {
        MemoryLayout layout = sink.profile.layout();
        long[] aperture = classic32GiB ? new long[] {PCI64_BASE, PCI64_SIZE} : layout.ovmfPci64Aperture();
        if (aperture != null) {
            sink.guest(0, MtrrLibChange.setMemoryAttributeUc(sink, 0, aperture[0], aperture[1]));
        }
    }
}
