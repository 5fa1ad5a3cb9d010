package org.mtrrledger.events.testing;

import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;

/** Terse constructors for events in tests: {@code Ev.msr("vm-1", 0, 0x2ff, 0xc06)}. */
public final class Ev {
    static {
        org.mtrrledger.events.codec.AvroTrust.install();
    }

    private Ev() {
    }

    private static MtrrEvent of(String vm, Integer vcpu, Object payload) {
        return MtrrEvent.newBuilder().setVm(vm).setVcpu(vcpu).setPayload(payload).build();
    }

    public static MtrrEvent config(String vm, int maxPhys, boolean guestHasMtrr, boolean tdp, boolean quirk) {
        return of(vm, null, new VmConfig(maxPhys, guestHasMtrr, tdp, quirk));
    }

    public static MtrrEvent create(String vm, int vcpu) {
        return of(vm, vcpu, new VcpuLifecycle(LifecycleOp.CREATE, null));
    }

    public static MtrrEvent create(String vm, int vcpu, long cr0) {
        return of(vm, vcpu, new VcpuLifecycle(LifecycleOp.CREATE, cr0));
    }

    public static MtrrEvent lifecycle(String vm, int vcpu, LifecycleOp op) {
        return of(vm, vcpu, new VcpuLifecycle(op, null));
    }

    public static MtrrEvent msr(String vm, int vcpu, long msr, long value) {
        return of(vm, vcpu, new MsrWrite(msr, value, false, false));
    }

    public static MtrrEvent hostMsr(String vm, int vcpu, long msr, long value) {
        return of(vm, vcpu, new MsrWrite(msr, value, true, false));
    }

    public static MtrrEvent faultedMsr(String vm, int vcpu, long msr, long value) {
        return of(vm, vcpu, new MsrWrite(msr, value, false, true));
    }

    public static MtrrEvent cr0(String vm, int vcpu, long value) {
        return of(vm, vcpu, new Cr0Write(value));
    }

    public static MtrrEvent dmaRegister(String vm) {
        return of(vm, null, new DmaOp(DmaOpKind.NONCOHERENT_REGISTER, null, null, null, null));
    }

    public static MtrrEvent dmaUnregister(String vm) {
        return of(vm, null, new DmaOp(DmaOpKind.NONCOHERENT_UNREGISTER, null, null, null, null));
    }

    public static MtrrEvent dmaTransfer(String vm, long gpa, long len) {
        return of(vm, null, new DmaOp(DmaOpKind.TRANSFER, "0000:01:00.0", gpa, len, null));
    }
}
