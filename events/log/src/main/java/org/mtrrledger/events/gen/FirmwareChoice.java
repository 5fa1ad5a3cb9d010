package org.mtrrledger.events.gen;

import java.util.SplittableRandom;

/** Which firmware the generated VMs boot: one for all, or a seeded per-VM coin flip. */
public enum FirmwareChoice {
    SEABIOS, OVMF, MIXED;

    Firmware pick(SplittableRandom rnd) {
        return switch (this) {
            case SEABIOS -> Firmware.SEABIOS;
            case OVMF -> Firmware.OVMF;
            case MIXED -> rnd.nextBoolean() ? Firmware.SEABIOS : Firmware.OVMF;
        };
    }
}
