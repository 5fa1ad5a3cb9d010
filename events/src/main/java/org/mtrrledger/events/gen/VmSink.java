package org.mtrrledger.events.gen;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;

/**
 * Where one VM's phases put their events. It stamps VM id and time, keeps every vCPU's CR0/MTRR state in step with
 * what was emitted (so later phases can compare like the real code does), drops CR0 writes that would not exit, and
 * inserts the non-coherent DMA registration at a fixed per-VM event index when asked to.
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
    private final List<VcpuState> vcpus = new ArrayList<>();
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

    List<VcpuState> vcpus() {
        return vcpus;
    }

    VcpuState vcpu(int i) {
        return vcpus.get(i);
    }

    /** vCPUs the guest currently runs, BSP first. */
    List<VcpuState> onlineVcpus() {
        return vcpus.stream().filter(v -> v.online).toList();
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
    VcpuState create(long cr0) {
        VcpuState v = new VcpuState(vcpus.size(), cr0);
        vcpus.add(v);
        emit(v.index, new VcpuLifecycle(LifecycleOp.CREATE, cr0));
        return v;
    }

    /**
     * INIT/RESET put CR0 back to 0x60000010 without a kvm_cr trace and leave MTRRs alone (doc §2.2), unless the
     * host is TCG, whose INIT zeroes them ({@link Scenarios#tcg}); ONLINE/OFFLINE are the guest's view.
     */
    void lifecycle(int vcpu, LifecycleOp op) {
        VcpuState v = vcpus.get(vcpu);
        switch (op) {
            case INIT -> {
                v.cr0 = Cr0.RESET;
                if (tcg) {
                    v.regs.clearMtrrs();
                }
            }
            case RESET -> v.cr0 = Cr0.RESET;
            case ONLINE -> v.online = true;
            case OFFLINE -> v.online = false;
            case CREATE -> throw new IllegalArgumentException("use create()");
        }
        emit(vcpu, new VcpuLifecycle(op, null));
    }

    /** A traced guest instruction on {@code vcpu}. MOV to CR0 that changes no host-owned bit does not exit: dropped. */
    void guest(int vcpu, GuestOp op) {
        VcpuState v = vcpus.get(vcpu);
        if (op instanceof GuestOp.MovCr0 c) {
            if (!Cr0.exits(v.cr0, c.value())) {
                v.cr0 = c.value();
                return;
            }
            v.cr0 = c.value();
            emit(vcpu, new Cr0Write(c.value()));
        } else {
            GuestOp.WrMsr w = (GuestOp.WrMsr) op;
            v.regs.write(w.msr(), w.value());
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
        vcpus.get(vcpu).regs.write(msr, value);
        emit(vcpu, new MsrWrite(msr, value, true, false));
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
