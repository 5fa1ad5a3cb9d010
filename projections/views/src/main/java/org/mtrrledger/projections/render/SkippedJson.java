package org.mtrrledger.projections.render;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mtrrledger.projections.query.LedgerQueries;

/** Records the fold skipped. */
public final class SkippedJson {
    private SkippedJson() {
    }

    /** Where the record is, its key (the VM id, if the producer followed the rules), its size and why it is skipped. */
    public static Map<String, Object> skipped(String topic, LedgerQueries.Skipped s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", topic);
        m.put("partition", s.partition());
        m.put("offset", s.offset());
        m.put("key", s.record().key());
        m.put("value_bytes", s.record().value() == null ? null : s.record().value().length);
        m.put("reason", s.record().reason());
        return m;
    }
}
