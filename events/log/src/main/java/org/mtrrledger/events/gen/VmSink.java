package org.mtrrledger.events.gen;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;
import org.mtrrledger.events.model.Cr0;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;

/**
 * Where one VM's phases put their events. It stamps VM id and time, keeps every vCPU's CR0, MTRRs (an
 * {@link MtrrState}, as KVM holds them) and online flag in step with what was emitted, so later phases can read
 * them back like the real code does, drops CR0 writes that would not exit, and inserts the non-coherent DMA
 * registration at a fixed per-VM event index when asked to.
 */
final class VmSink {
    static {
        org.mtrrledger.events.codec.AvroTrust.install();
    }

    final String vm;
    final VmProfile profile;
    final SplittableRandom rnd;
    /** {@link Scenarios#tcg}: INIT clears MTRRs, vCPUs take turns. */
    final boolean tcg;
    private final Clock clock;
    private final Deque<MtrrEvent> out;
    private final List<MtrrState> mtrrs = new ArrayList<>();
    private final List<Long> cr0 = new ArrayList<>();
    private final BitSet online = new BitSet();
    private long emitted;
    private long registerAtEvent = -1;
    private boolean dmaRegistered;

    VmSink(String vm, VmProfile profile, boolean tcg, Clock clock, SplittableRandom rnd,
            Deque<MtrrEvent> out) {
        this.vm = vm;
        this.profile = profile;
        this.tcg = tcg;
        this.clock = clock;
        this.rnd = rnd;
        this.out = out;
    }

    void registerDmaAtEvent(long index) {
        this.registerAtEvent = index;
    }

    int vcpuCount() {
        return mtrrs.size();
    }

    /** vCPU {@code i}'s CR0 as the guest last set it (exiting or not). */
    long cr0(int i) {
        return cr0.get(i);
    }

    /** vCPU {@code i}'s MTRRs; phases read them, only this sink writes them. */
    MtrrState mtrrs(int i) {
        return mtrrs.get(i);
    }

    /** What RDMSR of an MTRR returns on vCPU {@code i}. */
    long rdmsr(int i, long msr) {
        return mtrrs.get(i).rdmsr(msr, physBits());
    }

    int physBits() {
        return profile.layout().physBits();
    }

    void setOnline(int i) {
        online.set(i);
    }

    /** vCPUs the guest currently runs, BSP first. */
    List<Integer> onlineVcpus() {
        return IntStream.range(0, vcpuCount()).filter(online::get).boxed().toList();
    }

    long emitted() {
        return emitted;
    }

    void pause(long minUs, long maxUs) {
        clock.pause(rnd, minUs, maxUs);
    }

    void vmConfig(VmConfig config) {
        emit(null, config);
    }

    /** KVM_CREATE_VCPU: zeroed MTRRs, CR0 = {@code cr0} as KVM_SET_SREGS leaves it (no trace). */
    int create(long initialCr0) {
        int index = vcpuCount();
        mtrrs.add(new MtrrState());
        cr0.add(initialCr0);
        emit(index, new VcpuLifecycle(LifecycleOp.CREATE, initialCr0));
        return index;
    }

    /**
     * INIT/RESET put CR0 back to 0x60000010 without a kvm_cr trace and leave MTRRs alone (doc §2.2), unless the
     * host is TCG, whose INIT zeroes them ({@link Scenarios#tcg}); ONLINE/OFFLINE are the guest's view.
     */
    void lifecycle(int vcpu, LifecycleOp op) {
        switch (op) {
            case INIT -> {
                cr0.set(vcpu, Cr0.RESET_VALUE);
                if (tcg) {
                    mtrrs.get(vcpu).clear();
                }
            }
            case RESET -> cr0.set(vcpu, Cr0.RESET_VALUE);
            case ONLINE -> online.set(vcpu);
            case OFFLINE -> online.clear(vcpu);
            case CREATE -> throw new IllegalArgumentException("use create()");
        }
        emit(vcpu, new VcpuLifecycle(op, null));
    }

    /** A traced guest instruction on {@code vcpu}. MOV to CR0 that changes no host-owned bit does not exit: dropped. */
    void guest(int vcpu, GuestOp op) {
        if (op instanceof GuestOp.MovCr0 c) {
            boolean exits = Cr0.exits(cr0.get(vcpu), c.value());
            cr0.set(vcpu, c.value());
            if (exits) {
                emit(vcpu, new Cr0Write(c.value()));
            }
        } else {
            GuestOp.WrMsr w = (GuestOp.WrMsr) op;
            store(vcpu, w.msr(), w.value());
            emit(vcpu, new MsrWrite(w.msr(), w.value(), false, false));
        }
    }

    void guest(int vcpu, List<GuestOp> ops) {
        for (GuestOp op : ops) {
            guest(vcpu, op);
        }
    }

    /** A host-initiated KVM_SET_MSRS entry (never traced; doc §2.2). */
    void host(int vcpu, long msr, long value) {
        store(vcpu, msr, value);
        emit(vcpu, new MsrWrite(msr, value, true, false));
    }

    /** Keeps an MTRR write in the vCPU's state; PAT and other MSRs are emitted only, no phase reads them back. */
    private void store(int vcpu, long msr, long value) {
        MtrrMsr kind = MtrrMsr.classify(msr);
        if (MtrrMsr.isMtrr(kind)) {
            mtrrs.get(vcpu).write(kind, msr, value, physBits());
        }
    }

    void dma(DmaOp op) {
        if (op.getOp() == DmaOpKind.NONCOHERENT_REGISTER) {
            dmaRegistered = true;
        }
        emit(null, op);
    }

    boolean dmaRegistered() {
        return dmaRegistered;
    }

    private void emit(Integer vcpu, Object payload) {
        if (emitted == registerAtEvent && !dmaRegistered) {
            dmaRegistered = true;
            append(null, new DmaOp(DmaOpKind.NONCOHERENT_REGISTER, profile.assignedDevice(), null, null, null));
        }
        append(vcpu, payload);
    }

    private void append(Integer vcpu, Object payload) {
        emitted++;
        out.add(new MtrrEvent(vm, vcpu, clock.tick(rnd), null, payload, null));
    }
}
