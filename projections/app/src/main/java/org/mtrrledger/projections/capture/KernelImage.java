package org.mtrrledger.projections.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The version string of an x86 bzImage, from its real-mode header (Documentation/arch/x86/boot.rst). */
final class KernelImage {
    /** {@code kernel_version}: offset of the version string, minus 0x200, at 0x20e of the setup header. */
    private static final int KERNEL_VERSION_FIELD = 0x20e;
    private static final int HEADER_MAGIC_AT = 0x202;

    private KernelImage() {
    }

    static String version(Path bzImage) {
        try {
            byte[] head = new byte[64 * 1024];
            int n;
            try (var in = Files.newInputStream(bzImage)) {
                n = in.readNBytes(head, 0, head.length);
            }
            ByteBuffer b = ByteBuffer.wrap(head, 0, n).order(ByteOrder.LITTLE_ENDIAN);
            if (n < 0x210 || b.getInt(HEADER_MAGIC_AT) != 0x53726448) {
                return "not a bzImage";
            }
            int at = (b.getShort(KERNEL_VERSION_FIELD) & 0xffff) + 0x200;
            int end = at;
            while (end < n && head[end] != 0) {
                end++;
            }
            return at < n ? new String(head, at, end - at, StandardCharsets.US_ASCII) : "unknown version";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
