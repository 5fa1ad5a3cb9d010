package org.mtrrledger.projections.hazard;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import org.mtrrledger.events.codec.BigEndian;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.projections.zap.PolicyId;

/**
 * A stale-memtype hazard found at a check point (domain doc 9.2).
 *
 * @param policy      the policy that left it
 * @param kind        memtype, IPAT, or MTRR disagreement between online vCPUs
 * @param offset      the check point event (a CR0.CD 1->0 or a DMA transfer)
 * @param seq         its position among the event's hazards of this policy
 * @param vcpu        the vCPU whose CD 1->0 is the check point, or the lowest online vCPU at a DMA transfer
 * @param range       the GFN range affected
 * @param staleMask   the stale EPT entries (bit {@code type << 1 | ipat}); for a disagreement, the other vCPUs'
 *                    MTRR types (bit {@code type << 1})
 * @param demanded    the memtype the guest's MTRRs demand
 * @param sinceOffset the event after which the oldest stale entry became possible; a zap of {@code range} after it
 *                    and before the check point would have cleared it (-1 when not applicable)
 */
public record Hazard(PolicyId policy, HazardKind kind, long offset, int seq, int vcpu, GfnRange range,
        int staleMask, int demanded, long sinceOffset) {

    /** Bytes of {@link #encode()}: policy, kind, offset, seq, vcpu, range, stale mask, demanded, since. */
    static final int ENCODED_SIZE = 1 + 1 + 8 + 2 + 4 + 8 + 8 + 2 + 1 + 8;

    /** Big-endian fields in the order of the components (the layout {@code DataOutputStream} wrote first). */
    public byte[] encode() {
        byte[] b = new byte[ENCODED_SIZE];
        b[0] = (byte) policy.code;
        b[1] = (byte) kind.ordinal();
        BigEndian.putLong(b, 2, offset);
        BigEndian.putShort(b, 10, (short) seq);
        BigEndian.putInt(b, 12, vcpu);
        BigEndian.putLong(b, 16, range.start());
        BigEndian.putLong(b, 24, range.end());
        BigEndian.putShort(b, 32, (short) staleMask);
        b[34] = (byte) demanded;
        BigEndian.putLong(b, 35, sinceOffset);
        return b;
    }

    public static Hazard decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            PolicyId p = PolicyId.ofCode(in.readUnsignedByte());
            HazardKind k = HazardKind.values()[in.readUnsignedByte()];
            long offset = in.readLong();
            int seq = in.readUnsignedShort();
            int vcpu = in.readInt();
            GfnRange r = new GfnRange(in.readLong(), in.readLong());
            return new Hazard(p, k, offset, seq, vcpu, r, in.readUnsignedShort(), in.readUnsignedByte(), in.readLong());
        } catch (IOException | RuntimeException e) {
            throw new org.mtrrledger.engine.store.CorruptValueException("hazard record", e);
        }
    }

    /** {@link #staleMask} as users read it ("WB", "UC|IPAT"), in bit order. */
    public java.util.List<String> staleMemtypes() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int bit = 0; bit < 16; bit++) {
            if ((staleMask & (1 << bit)) != 0) {
                out.add(org.mtrrledger.events.model.MemType.label(bit >> 1) + ((bit & 1) != 0 ? "|IPAT" : ""));
            }
        }
        return out;
    }
}
