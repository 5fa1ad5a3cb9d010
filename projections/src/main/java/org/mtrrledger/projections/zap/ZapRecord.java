package org.mtrrledger.projections.zap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.mtrrledger.engine.mtrr.GfnRange;

/**
 * A stored zap: the policy, the range, the rule, and the triggering event's offset and vCPU (-1 for VM-scoped
 * events). The rest of the trigger (MSR, old/new value, CR0, source line) is in the event index at that offset.
 */
public record ZapRecord(PolicyId policy, long offset, int seq, int vcpu, GfnRange range, String rule) {
    public boolean degenerate() {
        return range.degenerate();
    }

    public byte[] encode() {
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
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt zap record", e);
        }
    }
}
