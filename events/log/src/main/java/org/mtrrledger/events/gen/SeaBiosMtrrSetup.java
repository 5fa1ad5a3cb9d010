package org.mtrrledger.events.gen;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;

/**
 * SeaBIOS {@code mtrr_setup()} (src/fw/mtrr.c, doc §7.1). Every write goes through {@code wrmsr_smp()}, which also
 * records it in {@code smp_msr[]}; {@code smp_setup()} (src/fw/smp.c) then broadcasts INIT-SIPI-SIPI and each AP
 * replays the list in the same order from {@code handle_smp()} (serialised by SeaBIOS's AP lock). Both BSP and APs
 * first pass through {@code transition32}, which writes CR0 = 0x11 (CD 1→0) from the RESET value. SeaBIOS 1.16.2
 * does exactly this in samples/captures/seabios-linux-8vcpu-16g-q35-dma.trace: BSP :479-510, APs :511-741.
 */
final class SeaBiosMtrrSetup {
    /**
     * The BSP's 16-bit/32-bit round trips after {@code smp_setup()} (POST's calls into 16-bit code, option ROMs,
     * boot): seabios-linux-8vcpu-16g-q35-dma.trace:742-1037 has 148 pairs of CR0 = 0x10, 0x11.
     */
    static final int POST_MODE_SWITCHES = 148;
    /** {@code transition32}: {@code cr0 &= ~(PG|CD|NW); cr0 |= PE} from RESET. */
    static final long CR0_32BIT = 0x11L;
    /** {@code transition16}: PE cleared again, for each call into 16-bit code. */
    static final long CR0_16BIT = 0x10L;

    private SeaBiosMtrrSetup() {
    }

    /** The 31 {@code wrmsr_smp} entries of {@code mtrr_setup()}, in order (doc §7.1 table). */
    static List<GuestOp> mtrrSetupWrites(MemoryLayout layout) {
        long ramSize = layout.lowRam();
        List<GuestOp> w = new ArrayList<>(31);
        int wb = MemType.WB.code;
        w.add(GuestOp.wrmsr(MtrrMsr.MSR_MTRR_DEF_TYPE, 0));
        w.add(GuestOp.wrmsr(MtrrMsr.MSR_MTRR_FIX64K_00000, bytesWhere(i -> ramSize >= 65536L * (i + 1), wb)));
        w.add(GuestOp.wrmsr(MtrrMsr.MSR_MTRR_FIX16K_80000,
                bytesWhere(i -> ramSize >= 0x80000L + 16384L * (i + 1), wb)));
        w.add(GuestOp.wrmsr(MtrrMsr.MSR_MTRR_FIX16K_A0000, 0));
        for (int j = 0; j < 8; j++) {
            int seg = j;
            w.add(GuestOp.wrmsr(MtrrMsr.MSR_MTRR_FIX4K_C0000 + j,
                    bytesWhere(i -> ramSize >= 0xC0000L + seg * 0x8000L + i * 0x1000L, MemType.WP.code)));
        }
        for (int i = 0; i < MtrrMsr.NR_VAR_MTRR; i++) {
            w.add(GuestOp.wrmsr(MtrrMsr.physBase(i), 0));
            w.add(GuestOp.wrmsr(MtrrMsr.physMask(i), 0));
        }
        long pcimemStart = layout.seabiosPcimemStart();
        w.add(GuestOp.wrmsr(MtrrMsr.physBase(0), pcimemStart | MemType.UC.code));
        w.add(GuestOp.wrmsr(MtrrMsr.physMask(0),
                (-((1L << 32) - pcimemStart) & ((1L << layout.physBits()) - 1)) | MtrrState.PHYSMASK_V));
        w.add(GuestOp.wrmsr(MtrrMsr.MSR_MTRR_DEF_TYPE, MtrrState.DEF_TYPE_E | MtrrState.DEF_TYPE_FE | wb));
        return w;
    }

    /** BSP: transition32 + mtrr_setup. */
    static void runBsp(VmSink sink) {
        sink.guest(0, GuestOp.cr0(CR0_32BIT));
        sink.guest(0, mtrrSetupWrites(sink.profile.layout()));
    }

    /** {@code smp_setup()}: the broadcast INIT reaches every AP. */
    static void initAps(VmSink sink) {
        for (int ap = 1; ap < sink.vcpuCount(); ap++) {
            sink.lifecycle(ap, LifecycleOp.INIT);
        }
    }

    /** One AP after SIPI: transition32, then {@code handle_smp()} replays {@code smp_msr[]}. */
    static void runAp(VmSink sink, int ap) {
        sink.guest(ap, GuestOp.cr0(CR0_32BIT));
        sink.guest(ap, mtrrSetupWrites(sink.profile.layout()));
    }

    /** {@code transition16}/{@code transition32} pairs on the BSP for the rest of POST: PE toggles, CD stays clear. */
    static void postModeSwitches(VmSink sink) {
        for (int i = 0; i < POST_MODE_SWITCHES; i++) {
            sink.guest(0, GuestOp.cr0(CR0_16BIT));
            sink.guest(0, GuestOp.cr0(CR0_32BIT));
        }
    }

    private interface BytePredicate {
        boolean test(int byteIndex);
    }

    private static long bytesWhere(BytePredicate covered, int type) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            if (covered.test(i)) {
                v |= (long) type << (8 * i);
            }
        }
        return v;
    }
}
