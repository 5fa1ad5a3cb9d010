package org.mtrrledger.engine.fold;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything the fold knows about one VM: its settings, its vCPUs (by index, ascending), the non-coherent DMA count
 * ({@code kvm->arch.noncoherent_dma_count}): KVM's state and nothing else (the seed thread's per-VM copy is folded
 * beside it, {@link org.mtrrledger.engine.pervm.PerVmCopy}).
 *
 * <p>Layout of {@link #encode()}: format (1 byte), VM id (writeUTF), maxphyaddr (1), guest_has_mtrr, tdp_enabled,
 * quirk_cd_nw_cleared (1 each), non-coherent DMA count (4), event count (8), the vCPU count (4) and each vCPU in index
 * order.
 *
 * <p>Mutable; the {@link Fold} is its only writer. {@link #copy()} and {@link #encode()} give the independent
 * snapshots checkpoints and time travel need.
 */
public final class VmState {
    private static final int FORMAT = 2;

    private final String vm;
    private VmSettings settings;
    private final TreeMap<Integer, VcpuState> vcpus;
    /** {@code vcpus.values()} as an immutable list, rebuilt when a vCPU is added (rare; read on every event). */
    private List<VcpuState> ordered;
    private int noncoherentDmaCount;
    private long eventCount;

    private VmState(String vm, VmSettings settings, TreeMap<Integer, VcpuState> vcpus, int noncoherentDmaCount,
            long eventCount) {
        this.vm = Objects.requireNonNull(vm);
        this.settings = settings;
        this.vcpus = vcpus;
        this.ordered = List.copyOf(vcpus.values());
        this.noncoherentDmaCount = noncoherentDmaCount;
        this.eventCount = eventCount;
    }

    /** A VM before its first event: default settings, no vCPUs, no non-coherent DMA. */
    public static VmState empty(String vm) {
        return new VmState(vm, VmSettings.DEFAULT, new TreeMap<>(), 0, 0);
    }

    public String vm() {
        return vm;
    }

    public VmSettings settings() {
        return settings;
    }

    void settings(VmSettings s) {
        settings = s;
    }

    public VcpuState vcpu(int index) {
        // vCPUs are usually numbered 0..n-1: then the index is the position in the ordered list.
        if (index >= 0 && index < ordered.size()) {
            VcpuState v = ordered.get(index);
            if (v.index() == index) {
                return v;
            }
        }
        return vcpus.get(index);
    }

    /** vCPUs in ascending index order (an unmodifiable snapshot: a vCPU added later is not in it). */
    public List<VcpuState> vcpus() {
        return ordered;
    }

    void addVcpu(VcpuState v) {
        vcpus.put(v.index(), v);
        ordered = List.copyOf(vcpus.values());
    }

    /** {@code kvm_arch_has_noncoherent_dma()}: {@code atomic_read(&noncoherent_dma_count)} as a bool, i.e. != 0. */
    public boolean hasNoncoherentDma() {
        return noncoherentDmaCount != 0;
    }

    public int noncoherentDmaCount() {
        return noncoherentDmaCount;
    }

    void noncoherentDmaCount(int c) {
        noncoherentDmaCount = c;
    }

    /** HONOR in the domain doc: KVM honors guest MTRRs (EPT on and non-coherent DMA present). */
    public boolean honorsGuestMtrrs() {
        return settings.tdpEnabled() && hasNoncoherentDma();
    }

    /** Events of this VM folded so far. */
    public long eventCount() {
        return eventCount;
    }

    void countEvent() {
        eventCount++;
    }

    /** The lowest-index online vCPU, or null. */
    public VcpuState lowestOnlineVcpu() {
        for (int i = 0; i < ordered.size(); i++) {
            VcpuState v = ordered.get(i);
            if (v.online()) {
                return v;
            }
        }
        return null;
    }

    public VmState copy() {
        TreeMap<Integer, VcpuState> c = new TreeMap<>();
        vcpus.forEach((k, v) -> c.put(k, v.copy()));
        return new VmState(vm, settings, c, noncoherentDmaCount, eventCount);
    }

    /** A self-contained binary form (format version first) for checkpoints and the latest-state column. */
    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + vcpus.size() * 256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeUTF(vm);
            out.writeByte(settings.maxPhysAddr());
            out.writeBoolean(settings.guestHasMtrr());
            out.writeBoolean(settings.tdpEnabled());
            out.writeBoolean(settings.quirkCdNwCleared());
            out.writeInt(noncoherentDmaCount);
            out.writeLong(eventCount);
            out.writeInt(vcpus.size());
            for (VcpuState v : vcpus.values()) {
                v.writeTo(out);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static VmState decode(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalStateException("VM state format " + format + " is not " + FORMAT
                        + ": rebuild the store (mtrr rebuild)");
            }
            String vm = in.readUTF();
            VmSettings s = new VmSettings(in.readUnsignedByte(), in.readBoolean(), in.readBoolean(), in.readBoolean());
            int count = in.readInt();
            long events = in.readLong();
            int n = in.readInt();
            TreeMap<Integer, VcpuState> vcpus = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                VcpuState v = VcpuState.readFrom(in);
                vcpus.put(v.index(), v);
            }
            return new VmState(vm, s, vcpus, count, events);
        } catch (IOException e) {
            throw new org.mtrrledger.engine.store.CorruptValueException("VM state", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VmState s && s.vm.equals(vm) && s.settings.equals(settings) && s.vcpus.equals(vcpus)
                && s.noncoherentDmaCount == noncoherentDmaCount && s.eventCount == eventCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(vm, settings, vcpus, noncoherentDmaCount, eventCount);
    }
}
