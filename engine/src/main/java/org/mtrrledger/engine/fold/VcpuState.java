package org.mtrrledger.engine.fold;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.mtrrledger.events.model.Cr0;
import org.mtrrledger.events.model.MtrrState;

/** One vCPU as the model keeps it: its MTRRs, PAT ({@code vcpu->arch.pat}), guest-visible CR0 and online state. */
public final class VcpuState {
    /** {@code MSR_IA32_CR_PAT_DEFAULT}, set in {@code kvm_arch_vcpu_create()}. */
    public static final long PAT_DEFAULT = 0x0007040600070406L;

    private final int index;
    private final MtrrState mtrr;
    private long pat;
    private long cr0;
    private boolean online;

    VcpuState(int index, MtrrState mtrr, long pat, long cr0, boolean online) {
        this.index = index;
        this.mtrr = mtrr;
        this.pat = pat;
        this.cr0 = cr0;
        this.online = online;
    }

    /** A vCPU as KVM_CREATE_VCPU leaves it: zeroed MTRRs, default PAT, the given CR0, online. */
    static VcpuState created(int index, long cr0) {
        return new VcpuState(index, new MtrrState(), PAT_DEFAULT, cr0, true);
    }

    public int index() {
        return index;
    }

    public MtrrState mtrr() {
        return mtrr;
    }

    public long pat() {
        return pat;
    }

    public long cr0() {
        return cr0;
    }

    public boolean cd() {
        return Cr0.cd(cr0);
    }

    public boolean online() {
        return online;
    }

    void pat(long v) {
        pat = v;
    }

    void cr0(long v) {
        cr0 = v;
    }

    void online(boolean v) {
        online = v;
    }

    VcpuState copy() {
        return new VcpuState(index, mtrr.copy(), pat, cr0, online);
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(index);
        mtrr.writeTo(out);
        out.writeLong(pat);
        out.writeLong(cr0);
        out.writeBoolean(online);
    }

    static VcpuState readFrom(DataInput in) throws IOException {
        int index = in.readInt();
        MtrrState m = MtrrState.readFrom(in);
        return new VcpuState(index, m, in.readLong(), in.readLong(), in.readBoolean());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VcpuState v && v.index == index && v.mtrr.equals(mtrr) && v.pat == pat && v.cr0 == cr0
                && v.online == online;
    }

    @Override
    public int hashCode() {
        return index * 31 + mtrr.hashCode() + Long.hashCode(cr0);
    }
}
