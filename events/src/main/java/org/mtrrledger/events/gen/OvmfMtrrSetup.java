package org.mtrrledger.events.gen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.mtrrledger.events.avro.LifecycleOp;

/**
 * OVMF's MTRR programming (doc §7.2). BSP: ResetVector to 32-bit flat ({@code SEC_DEFAULT_CR0} 0x23) and long mode
 * (PG), then PlatformPei/PlatformInitLib {@code MemDetect}: {@code MtrrSetAllMtrrs} (fixed all WB, variables zero,
 * DEF_TYPE 0xC06), {@code MtrrSetMemoryAttribute(0xA0000, 0x60000, UC)}, {@code MtrrSetMemoryAttribute(Uc32Base,
 * 4G - Uc32Base, UC)}, and optionally (DXE/GCD) the 64-bit PCI hole. APs are synced with {@code MtrrSetAllMtrrs} of
 * the BSP's settings in the order Yan observed on KVM: all APs CD=1 + disable, all update, all enable + CD=0.
 */
final class OvmfMtrrSetup {
    /** 64-bit PCI aperture at 32 GiB, 32 GiB long (Sean's VM). */
    static final long PCI64_BASE = 0x8_0000_0000L;
    static final long PCI64_SIZE = 0x8_0000_0000L;
    /**
     * MpInitLib AP startup (MpFuncs.nasm): real mode sets PE|MP ({@code or eax, 3}) on the RESET CR0, then long
     * mode sets PG. Inferred from the edk2 sources, not from a trace.
     */
    static final long AP_PROTECTED = Cr0.RESET | 0x3;
    static final long AP_LONG_MODE = AP_PROTECTED | Cr0.PG;

    private OvmfMtrrSetup() {
    }

    static void runBsp(VmSink sink, boolean pci64HoleUc) {
        VcpuState bsp = sink.vcpu(0);
        MemoryLayout layout = sink.profile.layout();
        sink.guest(0, GuestOp.cr0(Cr0.OVMF_SEC_FLAT32));
        sink.guest(0, GuestOp.cr0(Cr0.OVMF_SEC_FLAT32 | Cr0.PG));
        sink.pause(2_000, 20_000);
        sink.guest(0, MtrrLibChange.setAll(bsp, initialSettings()));
        sink.guest(0, MtrrLibChange.setMemoryAttributeUc(bsp, 0xA0000L, 0x60000L, layout.physBits()));
        long uc32Base = layout.ovmfUc32Base();
        sink.guest(0, MtrrLibChange.setMemoryAttributeUc(bsp, uc32Base, MemoryLayout.FOUR_GIB - uc32Base,
                layout.physBits()));
        if (pci64HoleUc) {
            sink.pause(20_000, 200_000);
            sink.guest(0, MtrrLibChange.setMemoryAttributeUc(bsp, PCI64_BASE, PCI64_SIZE, layout.physBits()));
        }
    }

    /** The settings PlatformPei passes to MtrrSetAllMtrrs: every fixed byte WB, variables zero, DEF_TYPE E|FE|WB. */
    static MtrrRegisters initialSettings() {
        MtrrRegisters s = new MtrrRegisters();
        java.util.Arrays.fill(s.fixed, Msrs.allBytes(Msrs.WB));
        s.defType = Msrs.DEF_TYPE_E | Msrs.DEF_TYPE_FE | Msrs.WB;
        return s;
    }

    /** MpInitLib wakes all APs (INIT-SIPI-SIPI) and each enters long mode. */
    static void startAps(VmSink sink) {
        for (int ap = 1; ap < sink.vcpus().size(); ap++) {
            sink.lifecycle(ap, LifecycleOp.INIT);
        }
        interleaveAps(sink, ap -> List.of(GuestOp.cr0(AP_PROTECTED), GuestOp.cr0(AP_LONG_MODE)));
    }

    /** All APs: CR0.CD=1 and MTRRs disabled ({@code MtrrLibPreMtrrChange}). */
    static void disableOnAps(VmSink sink) {
        interleaveAps(sink, ap -> MtrrLibChange.pre(sink.vcpu(ap)));
    }

    /** All APs: the BSP's fixed and variable MTRRs. */
    static void updateAps(VmSink sink) {
        List<GuestOp> writes = MtrrLibChange.allRegisterWrites(sink.vcpu(0).regs);
        interleaveAps(sink, ap -> writes);
    }

    /** All APs: DEF_TYPE = the BSP's, then CR0.CD=0 ({@code MtrrSetAllMtrrs} tail + enable cache). */
    static void enableOnAps(VmSink sink) {
        long defType = sink.vcpu(0).regs.defType;
        interleaveAps(sink, ap -> MtrrLibChange.post(sink.vcpu(ap).cr0, defType));
    }

    private static void interleaveAps(VmSink sink, Function<Integer, List<GuestOp>> opsOf) {
        Map<Integer, List<GuestOp>> perAp = new LinkedHashMap<>();
        for (int ap = 1; ap < sink.vcpus().size(); ap++) {
            perAp.put(ap, opsOf.apply(ap));
        }
        Interleaver.run(sink, perAp);
    }
}
