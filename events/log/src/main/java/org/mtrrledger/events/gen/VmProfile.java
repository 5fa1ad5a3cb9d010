package org.mtrrledger.events.gen;

/**
 * The per-VM choices derived from the spec (and, for ranges and MIXED, from the VM's random stream).
 *
 * @param vcpus          vCPUs created at boot
 * @param firmware       firmware this VM boots
 * @param layout         guest physical memory layout
 * @param assignedDevice BDF of the VFIO device that does DMA (and registers non-coherent DMA, if any)
 */
record VmProfile(int vcpus, Firmware firmware, MemoryLayout layout, String assignedDevice) {
}
