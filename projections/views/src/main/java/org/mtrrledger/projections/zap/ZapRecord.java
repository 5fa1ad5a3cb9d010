package org.mtrrledger.projections.zap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.mtrrledger.events.codec.BigEndian;
import org.mtrrledger.events.model.GfnRange;

/**
 * A stored zap: the policy, the range, the rule, and the triggering event's offset and vCPU (-1 for VM-scoped
 * events). The rest of the trigger (MSR, old/new value, CR0, source line) is in the event index at that offset.
 */
public record ZapRecord(PolicyId policy, long offset, int seq, int vcpu, GfnRange range, String rule) {
    public boolean degenerate() {
        return range.degenerate();
    }

    /**
     * Big-endian policy, offset, seq, vcpu, range, then the rule as {@link DataOutputStream#writeUTF}: a two-byte
     * length and modified UTF-8. Rules are ASCII: those bytes are written directly, anything else goes through
     * {@code writeUTF} itself.
     */
    public byte[] encode() {
        int n = rule.length();
        if (n > 0xFFFF) {
            return encodeWithDataOutput();
        }
        byte[] b = new byte[FIXED_SIZE + 2 + n];
        for (int i = 0; i < n; i++) {
            char c = rule.charAt(i);
            if (c == 0 || c >= 0x80) {
                return encodeWithDataOutput();
            }
            b[FIXED_SIZE + 2 + i] = (byte) c;
        }
        b[0] = (byte) policy.code;
        BigEndian.putLong(b, 1, offset);
        BigEndian.putShort(b, 9, (short) seq);
        BigEndian.putInt(b, 11, vcpu);
        BigEndian.putLong(b, 15, range.start());
        BigEndian.putLong(b, 23, range.end());
        BigEndian.putShort(b, 31, (short) n);
        return b;
    }

    /** Bytes before the rule: policy, offset, seq, vcpu, range. */
    private static final int FIXED_SIZE = 1 + 8 + 2 + 4 + 8 + 8;

    /**
     * The same layout through {@link DataOutputStream}, whose {@code writeUTF} handles any rule (NUL and non-ASCII
     * characters in modified UTF-8); the tests check the ASCII path above against it.
     */
    byte[] encodeWithDataOutput() {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(64 + rule.length());
            DataOutputStream out = new DataOutputStream(b);
            out.writeByte(policy.code);
            out.writeLong(offset);
            out.writeShort(seq);
            out.writeInt(vcpu);
            out.writeLong(range.start());
            out.writeLong(range.end());
            out.writeUTF(rule);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ZapRecord decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            PolicyId p = PolicyId.ofCode(in.readUnsignedByte());
            long offset = in.readLong();
            int seq = in.readUnsignedShort();
            int vcpu = in.readInt();
            GfnRange r = new GfnRange(in.readLong(), in.readLong());
            return new ZapRecord(p, offset, seq, vcpu, r, in.readUTF());
        } catch (IOException | RuntimeException e) {
            throw new org.mtrrledger.engine.store.CorruptValueException("zap record", e);
        }
    }
}
