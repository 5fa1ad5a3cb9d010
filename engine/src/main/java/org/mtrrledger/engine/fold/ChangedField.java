package org.mtrrledger.engine.fold;

import org.mtrrledger.events.model.Hex;

/**
 * The state value an {@link Outcome.Change} names: an MSR of the MTRR/PAT block or one of the {@link Named} VM and
 * vCPU values. {@link #label()} is how every CLI, API and JSON output spells it ("msr 0x2ff", "cr0", ...).
 */
public sealed interface ChangedField permits ChangedField.Msr, ChangedField.Named {
    String label();

    /** The field of MSR {@code index}; one shared instance per MSR of the block 0x200-0x2ff. */
    static Msr msr(long index) {
        return index >= Msr.BLOCK && index < Msr.BLOCK + Msr.CACHED.length ? Msr.CACHED[(int) (index - Msr.BLOCK)]
                : new Msr(index);
    }

    /** An MSR, by index; the fold only changes those of the MTRR/PAT block 0x200-0x2ff (one byte in storage). */
    record Msr(long index) implements ChangedField {
        static final int BLOCK = 0x200;
        private static final Msr[] CACHED = new Msr[0x100];
        private static final String[] LABELS = new String[CACHED.length];

        static {
            for (int i = 0; i < CACHED.length; i++) {
                CACHED[i] = new Msr(BLOCK + i);
                LABELS[i] = "msr " + Hex.of(BLOCK + i);
            }
        }

        @Override
        public String label() {
            return inBlock() ? LABELS[(int) (index - BLOCK)] : "msr " + Hex.of(index);
        }

        /** Whether the index is in the block 0x200-0x2ff. */
        boolean inBlock() {
            return index >= BLOCK && index < BLOCK + CACHED.length;
        }
    }

    /** Append-only: the ordinal is the stored code of the field. */
    enum Named implements ChangedField {
        CR0("cr0"),
        ONLINE("online"),
        NONCOHERENT_DMA_COUNT("noncoherent_dma_count"),
        MAXPHYADDR("maxphyaddr"),
        GUEST_HAS_MTRR("guest_has_mtrr"),
        TDP_ENABLED("tdp_enabled"),
        QUIRK_CD_NW_CLEARED("quirk_cd_nw_cleared");

        private final String label;

        Named(String label) {
            this.label = label;
        }

        @Override
        public String label() {
            return label;
        }
    }

    /**
     * The MSR {@code label} names, or null: {@link Msr#label()} inverted, for an MSR outside the block, which is
     * stored as its label (every other field is stored as a code).
     */
    static Msr msrOfLabel(String label) {
        if (label.startsWith("msr 0x") && label.length() > 6 && label.length() <= 22) {
            try {
                Msr f = msr(Long.parseUnsignedLong(label.substring(6), 16));
                return f.label().equals(label) ? f : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
