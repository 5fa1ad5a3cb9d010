package org.mtrrledger.projections.memtype;

import org.mtrrledger.engine.fold.VmSettings;
import org.mtrrledger.events.model.MtrrState;

/** Turns a vCPU's MTRRs into the memory type of every guest-physical page: the guest-MTRR view. */
public interface GuestMtrrResolver {
    /** Value of an SDM-undefined overlap (only the {@code sdm} resolver produces it). */
    int UNDEFINED = -1;

    String name();

    /** The memtype code of one page. */
    int typeAt(MtrrState mtrr, VmSettings settings, long gfn);

    /**
     * Every GFN a 64-bit GPA names. KVM's resolver answers for any GFN it is given, and memslots or MMIO above a
     * guest's MAXPHYADDR exist, so snapshots cover all of it (domain doc §9.4); possible-sets and hazards stay within
     * [0, 2^(MAXPHYADDR-12)).
     */
    long GFN_SPACE = 1L << 52;

    /** The memtype of every page of [0, 2^(MAXPHYADDR-12)), adjacent equal ranges merged. */
    default MemtypeMap resolve(MtrrState mtrr, VmSettings settings) {
        return resolve(mtrr, settings, settings.gfnLimit());
    }

    /**
     * The memtype of every page of [0, {@code limitGfn}), adjacent equal ranges merged; at or above
     * 2^(MAXPHYADDR-12) no variable range reaches, so pages there get the default type (or the MTRR-disabled one).
     */
    MemtypeMap resolve(MtrrState mtrr, VmSettings settings, long limitGfn);

    static GuestMtrrResolver named(String name) {
        return switch (name) {
            case "kvm" -> KvmMtrrResolver.INSTANCE;
            case "sdm" -> SdmMtrrResolver.INSTANCE;
            default -> throw new IllegalArgumentException("unknown resolver '" + name + "' (kvm|sdm)");
        };
    }
}
