package org.mtrrledger.events.gen;

/** QEMU machine type; decides the 32-bit PCI hole and therefore the UC MTRR below 4 GiB. */
public enum Machine {
    Q35, I440FX
}
