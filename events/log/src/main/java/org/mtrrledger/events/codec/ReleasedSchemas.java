package org.mtrrledger.events.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every writer schema of {@code MtrrEvent} ever released, oldest first, from
 * {@code org/mtrrledger/events/schemas/mtrr-event-vN.avsc}. A released file is never edited: a change to the
 * schema adds the next version (with defaults for new fields, so old records still decode).
 */
public final class ReleasedSchemas {
    private static final String DIR = "/org/mtrrledger/events/schemas/";

    /** One released schema with its CRC-64-AVRO fingerprint of the parsing canonical form. */
    public record Released(int version, Schema schema, long fingerprint) {
    }

    private ReleasedSchemas() {
    }

    public static List<Released> all() {
        List<Released> out = new ArrayList<>();
        for (int v = 1; ; v++) {
            try (InputStream in = ReleasedSchemas.class.getResourceAsStream(DIR + "mtrr-event-v" + v + ".avsc")) {
                if (in == null) {
                    break;
                }
                Schema s = new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                out.add(new Released(v, s, SchemaNormalization.parsingFingerprint64(s)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no released schemas under " + DIR);
        }
        return out;
    }
}
