package org.mtrrledger.events.gen;

/**
 * The extra UC variable range [0x800000000, 0x1000000000) (the 64-bit PCI aperture at 32–64 GiB) seen in Sean's
 * VM (domain doc §7.2, "later an extra UC …"). The doc does not say who programs it, so both readings exist.
 */
public enum Pci64HoleUc {
    /** Not programmed (OVMF still sets its own 64-bit aperture UC, {@link MemoryLayout#ovmfPci64Aperture}). */
    NONE,
    /**
     * OVMF DXE (PciHostBridgeDxe → CpuDxe → MtrrSetMemoryAttribute) on the BSP, as its 64-bit aperture in place of
     * the layout's (an OVMF without the dynamic MMIO window); APs get it with the MpInitLib sync. OVMF only.
     */
    FIRMWARE,
    /** The guest kernel, after boot, through the {@code mtrr_add}/{@code set_mtrr} all-CPU rendezvous. */
    KERNEL
}
