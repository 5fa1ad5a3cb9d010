package org.mtrrledger.events.gen;

/**
 * When kvm-vfio registers non-coherent DMA for a VM ({@code kvm_arch_register_noncoherent_dma}, domain doc §5.4).
 * It decides which MTRR/CR0 writes fall into the window in which KVM honours guest MTRRs.
 */
public sealed interface NoncoherentDma {
    /** No assigned non-coherent device: the VM never registers. */
    record None() implements NoncoherentDma {
    }

    /** The VFIO device is attached at VM creation, before any vCPU runs (QEMU realizes devices before reset). */
    record BeforeBoot() implements NoncoherentDma {
    }

    /** Hot-attached right before {@code phase} starts. */
    record AtPhase(BootPhase phase) implements NoncoherentDma {
    }

    /** Hot-attached right before the VM's {@code eventIndex}-th event (0-based, counted per VM). */
    record AtEvent(long eventIndex) implements NoncoherentDma {
        public AtEvent {
            if (eventIndex < 0) {
                throw new IllegalArgumentException("eventIndex must be >= 0");
            }
        }
    }

    NoncoherentDma NONE = new None();
    NoncoherentDma BEFORE_BOOT = new BeforeBoot();
}
