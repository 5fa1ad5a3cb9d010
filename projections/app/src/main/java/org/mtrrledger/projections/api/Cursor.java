package org.mtrrledger.projections.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a paged listing resumes, as an opaque URL-safe string: the position of the first item not yet returned.
 * Events: the next offset. Zaps: the next (policy, offset, seq) in the listing's order. Skipped records: the next
 * (partition, offset), the partition in {@code policy}.
 */
record Cursor(String kind, int policy, long offset, int seq) {
    static final String EVENTS = "e1";
    static final String ZAPS = "z1";
    static final String SKIPPED = "s1";

    static Cursor events(long offset) {
        return new Cursor(EVENTS, -1, offset, 0);
    }

    static Cursor zaps(int policy, long offset, int seq) {
        return new Cursor(ZAPS, policy, offset, seq);
    }

    static Cursor skipped(int partition, long offset) {
        return new Cursor(SKIPPED, partition, offset, 0);
    }

    String encode() {
        String s = kind + ":" + policy + ":" + offset + ":" + seq;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a cursor of the expected kind; anything else is a 400 naming {@code cursor}. */
    static Cursor decode(String s, String expectedKind) {
        if (s == null) {
            return null;
        }
        try {
            String[] f = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8).split(":", -1);
            if (f.length != 4 || !f[0].equals(expectedKind)) {
                throw new IllegalArgumentException();
            }
            Cursor c = new Cursor(f[0], Integer.parseInt(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]));
            if (c.offset < 0 || c.seq < 0) {
                throw new IllegalArgumentException();
            }
            return c;
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("cursor", "not a cursor of this listing (pass next_cursor back as it "
                    + "was returned)");
        }
    }
}
