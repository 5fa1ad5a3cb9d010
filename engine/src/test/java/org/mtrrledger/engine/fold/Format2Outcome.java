package org.mtrrledger.engine.fold;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Store format 2's outcome encoder (every string through {@code writeUTF}): the oracle that old stores still
 * decode, and a content-only digest of an outcome that does not change when the compact labels do.
 */
public final class Format2Outcome {
    private Format2Outcome() {}

    public static byte[] encode(Outcome o) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(b);
            out.writeByte(o.status().ordinal());
            out.writeBoolean(o.reason() != null);
            if (o.reason() != null) {
                out.writeUTF(o.reason());
            }
            out.writeShort(o.changes().size());
            for (Outcome.Change c : o.changes()) {
                out.writeUTF(c.what());
                out.writeLong(c.oldValue());
                out.writeLong(c.newValue());
            }
            out.writeShort(o.notes().size());
            for (String n : o.notes()) {
                out.writeUTF(n);
            }
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
