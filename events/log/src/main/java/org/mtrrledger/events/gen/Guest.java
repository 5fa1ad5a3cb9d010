package org.mtrrledger.events.gen;

/** Guest OS. Only Linux (v6.3 {@code cache_cpu_init}/{@code mtrr_generic_set_state}, domain doc §7.3) today. */
public enum Guest {
    LINUX
}
