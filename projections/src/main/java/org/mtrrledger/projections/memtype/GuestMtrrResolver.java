package org.mtrrledger.projections.memtype;

import org.mtrrledger.engine.fold.VmSettings;
import org.mtrrledger.engine.mtrr.MtrrState;

/** Turns a vCPU's MTRRs into the memory type of every guest-physical page: the guest-MTRR view. */
public interface GuestMtrrResolver {
    /** Value of an SDM-undefined overlap (only the {@code sdm} resolver produces it). */
    int UNDEFINED = -1;

    String name();

    /** The memtype code of one page. */
    int typeAt(MtrrState mtrr, VmSettings settings, long gfn);

    /** The memtype of every page of [0, 2^(MAXPHYADDR-12)), adjacent equal ranges merged. */
    MemtypeMap resolve(MtrrState mtrr, VmSettings settings);

    static GuestMtrrResolver named(String name) {
        return switch (name) {
            case "kvm" -> KvmMtrrResolver.INSTANCE;
            case "sdm" -> SdmMtrrResolver.INSTANCE;
            default -> throw new IllegalArgumentException("unknown resolver '" + name + "' (kvm|sdm)");
        };
    }
}
