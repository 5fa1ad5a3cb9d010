package org.mtrrledger.projections.capture;

import java.util.HexFormat;
import java.util.Locale;
import org.mtrrledger.events.model.Hex;

/**
 * One guest instruction that writes CR0 or an MSR, as the {@code mtrr-sites} plugin saw it translated: its linear
 * address and its bytes. Decoding follows the SDM's opcode map (Vol. 2, "MOV—Move to/from Control Registers",
 * "WRMSR", "LMSW", "CLTS"): legacy and REX prefixes first, then {@code 0F 30}, {@code 0F 22 /r} with reg = 0 and
 * no REX.R (REX.R would name CR8), {@code 0F 01 /6} or {@code 0F 06}.
 *
 * @param vaddr  linear address of the instruction (what QEMU logs as the pc)
 * @param length instruction length; the translation block that follows starts at {@code vaddr + length}
 * @param kind   what the instruction writes
 * @param source MOV to CR0 only: the general-purpose register the value comes from (0 = rAX … 15 = R15), else -1
 */
record WriteSite(long vaddr, int length, Kind kind, int source) {

    enum Kind {
        WRMSR, MOV_CR0, LMSW, CLTS
    }

    /** Where the block after this instruction starts: QEMU ends a block after WRMSR and after every CR0 write. */
    long next() {
        return vaddr + length;
    }

    /** Decodes the plugin's {@code S <vaddr> <hex bytes>} record. */
    static WriteSite parse(String vaddrHex, String bytesHex) {
        byte[] b = HexFormat.of().parseHex(bytesHex);
        long vaddr = Long.parseUnsignedLong(vaddrHex, 16);
        int i = 0;
        int rex = 0;
        for (; i < b.length; i++) {
            int p = b[i] & 0xff;
            if (isLegacyPrefix(p)) {
                continue;
            }
            if ((p & 0xf0) == 0x40) {
                rex = p;
                continue;
            }
            break;
        }
        if (i + 1 >= b.length || (b[i] & 0xff) != 0x0f) {
            throw new IllegalArgumentException("not a CR0/MSR write at 0x" + vaddrHex + ": " + bytesHex);
        }
        int op = b[i + 1] & 0xff;
        int modrm = i + 2 < b.length ? b[i + 2] & 0xff : -1;
        int reg = modrm < 0 ? -1 : (modrm >> 3) & 7;
        Kind kind;
        int source = -1;
        if (op == 0x30) {
            kind = Kind.WRMSR;
        } else if (op == 0x06) {
            kind = Kind.CLTS;
        } else if (op == 0x22 && reg == 0 && (rex & 0x4) == 0) {
            kind = Kind.MOV_CR0;
            source = (modrm & 7) | ((rex & 0x1) << 3);
        } else if (op == 0x01 && reg == 6) {
            kind = Kind.LMSW;
        } else {
            throw new IllegalArgumentException("not a CR0/MSR write at 0x" + vaddrHex + ": " + bytesHex);
        }
        return new WriteSite(vaddr, b.length, kind, source);
    }

    private static boolean isLegacyPrefix(int p) {
        return switch (p) {
            case 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65 -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + "@" + Hex.of(vaddr);
    }
}
