package org.mtrrledger.engine.fold;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.events.codec.BigEndian;

/**
 * What one event did to the state, kept for audit: whether it took effect, why not, and each value it changed.
 *
 * @param status  applied, rejected (KVM would inject #GP or fail the ioctl) or ignored (outside the model)
 * @param reason  why it was rejected or ignored; null when applied
 * @param changes each state value it changed, old to new
 * @param notes   anything else worth knowing (an implicitly created vCPU, a trace/model disagreement)
 */
public record Outcome(Status status, String reason, List<Change> changes, List<String> notes) {
    public enum Status { APPLIED, REJECTED, IGNORED }

    /** One changed value of {@code field}. */
    public record Change(ChangedField field, long oldValue, long newValue) {
        /** The field as outputs spell it ("msr 0x2ff", "cr0", "noncoherent_dma_count", ...). */
        public String what() {
            return field.label();
        }
    }

    public Outcome {
        changes = List.copyOf(changes);
        notes = List.copyOf(notes);
    }

    public boolean applied() {
        return status == Status.APPLIED;
    }

    /**
     * Status, reason flag, [reason], change count, changes (field, old, new), note count, notes; numbers big-endian,
     * fields and texts as {@link OutcomeLabels} writes them (fields as two-byte codes, texts as {@code writeUTF}).
     */
    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeInto(out, 0);
        return out;
    }

    /** Length of {@link #encode()}. */
    public int encodedSize() {
        int n = 1 + 1 + 2 + 2 + changes.size() * 16;
        if (reason != null) {
            n += OutcomeLabels.textSize(reason);
        }
        // Indexed loops: the engine sizes and writes every event's outcome, and a list iterator is an allocation.
        for (int i = 0; i < changes.size(); i++) {
            n += OutcomeLabels.fieldSize(changes.get(i).field());
        }
        for (int i = 0; i < notes.size(); i++) {
            n += OutcomeLabels.textSize(notes.get(i));
        }
        return n;
    }

    /** Writes {@link #encode()}'s bytes at {@code at} (the engine appends them to the stored event in place). */
    public void encodeInto(byte[] out, int at) {
        int p = at;
        out[p++] = (byte) status.ordinal();
        out[p++] = (byte) (reason != null ? 1 : 0);
        if (reason != null) {
            p = OutcomeLabels.writeText(reason, out, p);
        }
        BigEndian.putShort(out, p, (short) changes.size());
        p += 2;
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            p = OutcomeLabels.writeField(c.field(), out, p);
            BigEndian.putLong(out, p, c.oldValue());
            BigEndian.putLong(out, p + 8, c.newValue());
            p += 16;
        }
        BigEndian.putShort(out, p, (short) notes.size());
        p += 2;
        for (int i = 0; i < notes.size(); i++) {
            p = OutcomeLabels.writeText(notes.get(i), out, p);
        }
    }

    public static Outcome decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            Status st = Status.values()[in.readUnsignedByte()];
            String reason = in.readBoolean() ? OutcomeLabels.readText(in) : null;
            int n = in.readUnsignedShort();
            List<Change> ch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ch.add(new Change(OutcomeLabels.readField(in), in.readLong(), in.readLong()));
            }
            int m = in.readUnsignedShort();
            List<String> notes = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                notes.add(OutcomeLabels.readText(in));
            }
            return new Outcome(st, reason, ch, notes);
        } catch (IOException | RuntimeException e) {
            throw new org.mtrrledger.engine.store.CorruptValueException("outcome", e);
        }
    }
}
