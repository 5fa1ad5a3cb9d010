package org.mtrrledger.engine.fold;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An {@link Outcome} with every string, changed-field labels included, written through {@code writeUTF}: the oracle
 * for how {@link Outcome#encode()} writes texts, the size its compact field codes must not exceed, and a
 * content-only digest of an outcome that does not change when the compact codes do.
 */
public final class WriteUtfOutcome {
    private WriteUtfOutcome() {}

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
