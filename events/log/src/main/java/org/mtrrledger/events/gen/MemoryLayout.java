package org.mtrrledger.events.gen;

/**
 * The guest-physical facts the firmware derives its UC range from.
 *
 * @param machine   q35 or i440fx
 * @param ramBytes  total guest RAM
 * @param lowRam    RAM below 4 GiB: QEMU pc_q35 uses lowmem 0x80000000 when RAM >= 0xB0000000 (else 0xB0000000);
 *                  pc_piix uses 0xC0000000 when RAM >= 0xE0000000 (else 0xE0000000)
 * @param physBits  guest MAXPHYADDR
 */
record MemoryLayout(Machine machine, long ramBytes, long lowRam, int physBits) {
    static final long FOUR_GIB = 1L << 32;

    static MemoryLayout of(Machine machine, long ramBytes, int physBits) {
        long lowmem = switch (machine) {
            case Q35 -> ramBytes >= 0xB000_0000L ? 0x8000_0000L : 0xB000_0000L;
            case I440FX -> ramBytes >= 0xE000_0000L ? 0xC000_0000L : 0xE000_0000L;
        };
        return new MemoryLayout(machine, ramBytes, Math.min(ramBytes, lowmem), physBits);
    }

    /**
     * SeaBIOS {@code pcimem_start} (doc §7.1): q35 = PCIEXBAR 0xB0000000 + 256 MiB; i440fx by low RAM (≤2 GiB →
     * 0x80000000, ≤3 GiB → 0xC0000000, else BUILD_PCIMEM_START 0xE0000000).
     */
    long seabiosPcimemStart() {
        return switch (machine) {
            case Q35 -> 0xC000_0000L;
            case I440FX -> lowRam <= 0x8000_0000L ? 0x8000_0000L : lowRam <= 0xC000_0000L ? 0xC000_0000L : 0xE000_0000L;
        };
    }

    /**
     * OVMF's 64-bit PCI MMIO aperture, {@code {base, size}}, which DXE sets UC: PlatformInitLib's
     * {@code PlatformDynamicMmioWindow} makes it the top eighth of the guest-physical space when that beats the
     * 32 GiB default (40 bits: 128 GiB at 0xe000000000, ovmf-linux-8vcpu-16g-q35-dma.trace:1113-1118); otherwise it
     * is the default 32 GiB, aligned to its size above RAM ({@code PlatformGetFirstNonAddress}), or none if that does
     * not fit below MAXPHYADDR.
     */
    long[] ovmfPci64Aperture() {
        long space = 1L << physBits;
        long window = space >>> 3;
        long classic = 32L << 30;
        if (window > classic) {
            return new long[] {space - window, window};
        }
        long firstNonAddress = FOUR_GIB + (ramBytes - lowRam);
        long base = (firstNonAddress + classic - 1) & -classic;
        return base + classic <= space ? new long[] {base, classic} : null;
    }

    /** OVMF (newer PlatformInitLib): {@code Uc32Size = GetPowerOfTwo32(4G - LowMemory)}, {@code Uc32Base = 4G - Uc32Size}. */
    long ovmfUc32Base() {
        long gap = FOUR_GIB - lowRam;
        return FOUR_GIB - Long.highestOneBit(gap);
    }
}
