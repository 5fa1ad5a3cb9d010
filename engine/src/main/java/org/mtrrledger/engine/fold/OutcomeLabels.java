package org.mtrrledger.engine.fold;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * How {@link Outcome} stores its changed fields and its texts, in the slots of {@link java.io.DataOutput#writeUTF}'s
 * layout (a big-endian two-byte length, then modified UTF-8):
 *
 * <pre>
 *   0xFF nn   field {@link ChangedField.Msr} 0x2nn (the MTRR/PAT MSR block 0x200-0x2FF)
 *   0xFE nn   field {@link ChangedField.Named} with ordinal nn (append-only: a stored code keeps its meaning)
 *   hi lo ... text: writeUTF, length hi:lo &lt;= {@link #MAX_UTF_BYTES}
 * </pre>
 *
 * Reasons and notes are always text; a field is a code unless it is an MSR outside the block (then its label as
 * text). A writeUTF length never starts with 0xFE or 0xFF because longer texts are cut to {@link #MAX_UTF_BYTES}
 * (an outcome's reason or note of 65,000 bytes is not something the fold produces), so a field slot's first byte
 * tells a code from a label.
 */
final class OutcomeLabels {
    private static final int MSR_BLOCK = 0xFF;
    private static final int NAMED_CODE = 0xFE;
    /** Longest modified-UTF-8 text written: its length's high byte stays below {@link #NAMED_CODE}. */
    static final int MAX_UTF_BYTES = (NAMED_CODE << 8) - 1;
    private static final ChangedField.Named[] NAMED = ChangedField.Named.values();

    private OutcomeLabels() {}

    /** Bytes {@link #writeField} takes for {@code f}. */
    static int fieldSize(ChangedField f) {
        return isCoded(f) ? 2 : textSize(f.label());
    }

    /** Bytes {@link #writeText} takes for {@code s}. */
    static int textSize(String s) {
        return 2 + utfLength(s);
    }

    private static boolean isCoded(ChangedField f) {
        return !(f instanceof ChangedField.Msr m) || m.inBlock();
    }

    /** Writes {@code f} at {@code at}; returns the position after it. */
    static int writeField(ChangedField f, byte[] out, int at) {
        if (f instanceof ChangedField.Named n) {
            out[at] = (byte) NAMED_CODE;
            out[at + 1] = (byte) n.ordinal();
            return at + 2;
        }
        ChangedField.Msr m = (ChangedField.Msr) f;
        if (!m.inBlock()) {
            return writeText(m.label(), out, at);
        }
        out[at] = (byte) MSR_BLOCK;
        out[at + 1] = (byte) m.index();
        return at + 2;
    }

    /** Writes {@code s} as writeUTF does (cut to {@link #MAX_UTF_BYTES}) at {@code at}; returns the position after. */
    static int writeText(String s, byte[] out, int at) {
        int n = utfLength(s);
        out[at] = (byte) (n >>> 8);
        out[at + 1] = (byte) n;
        int p = at + 2;
        int end = p + n;
        for (int i = 0; p < end; i++) {
            char c = s.charAt(i);
            if (c != 0 && c < 0x80) {
                out[p++] = (byte) c;
            } else if (c < 0x800) { // modified UTF-8 writes NUL as two bytes (DataOutput.writeUTF)
                out[p++] = (byte) (0xC0 | c >> 6);
                out[p++] = (byte) (0x80 | c & 0x3F);
            } else {
                out[p++] = (byte) (0xE0 | c >> 12);
                out[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[p++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return end;
    }

    /** Reads what {@link #writeField} wrote: a code, or the label of an MSR outside the block. */
    static ChangedField readField(DataInputStream in) throws IOException {
        in.mark(2);
        int hi = in.readUnsignedByte();
        if (hi == MSR_BLOCK) {
            return ChangedField.msr(ChangedField.Msr.BLOCK + in.readUnsignedByte());
        }
        if (hi == NAMED_CODE) {
            return named(in.readUnsignedByte());
        }
        in.reset();
        String label = in.readUTF();
        ChangedField f = ChangedField.msrOfLabel(label);
        if (f == null) {
            throw new IOException("unknown changed field '" + label + "'");
        }
        return f;
    }

    /** Reads what {@link #writeText} wrote. */
    static String readText(DataInputStream in) throws IOException {
        return in.readUTF();
    }

    private static ChangedField.Named named(int i) throws IOException {
        if (i >= NAMED.length) {
            throw new IOException("unknown changed field code 0xFE" + String.format("%02X", i));
        }
        return NAMED[i];
    }

    /**
     * Modified-UTF-8 length of {@code s}, or of its longest prefix (whole characters) that fits
     * {@link #MAX_UTF_BYTES}.
     */
    private static int utfLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int w = c != 0 && c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            if (n + w > MAX_UTF_BYTES) {
                break;
            }
            n += w;
        }
        return n;
    }
}
