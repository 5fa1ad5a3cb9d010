package org.mtrrledger.engine.fold;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

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

    /** One changed value: {@code what} names it ("msr 0x2ff", "cr0", "noncoherent_dma_count", ...). */
    public record Change(String what, long oldValue, long newValue) {
    }

    public Outcome {
        changes = List.copyOf(changes);
        notes = List.copyOf(notes);
    }

    public boolean applied() {
        return status == Status.APPLIED;
    }

    public byte[] encode() {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(b);
            out.writeByte(status.ordinal());
            out.writeBoolean(reason != null);
            if (reason != null) {
                out.writeUTF(reason);
            }
            out.writeShort(changes.size());
            for (Change c : changes) {
                out.writeUTF(c.what());
                out.writeLong(c.oldValue());
                out.writeLong(c.newValue());
            }
            out.writeShort(notes.size());
            for (String n : notes) {
                out.writeUTF(n);
            }
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Outcome decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            Status st = Status.values()[in.readUnsignedByte()];
            String reason = in.readBoolean() ? in.readUTF() : null;
            int n = in.readUnsignedShort();
            List<Change> ch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ch.add(new Change(in.readUTF(), in.readLong(), in.readLong()));
            }
            int m = in.readUnsignedShort();
            List<String> notes = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                notes.add(in.readUTF());
            }
            return new Outcome(st, reason, ch, notes);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt outcome", e);
        }
    }
}
