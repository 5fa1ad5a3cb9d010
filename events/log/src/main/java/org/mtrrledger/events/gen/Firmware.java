package org.mtrrledger.events.gen;

/** Guest firmware whose MTRR programming is replayed (domain doc §7.1 and §7.2). */
public enum Firmware {
    /** SeaBIOS {@code mtrr_setup()} + {@code wrmsr_smp} replay on every AP. */
    SEABIOS,
    /** OVMF PlatformPei + edk2 MtrrLib, APs synced by MpInitLib. */
    OVMF
}
