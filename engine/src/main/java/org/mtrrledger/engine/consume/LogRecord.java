package org.mtrrledger.engine.consume;

import java.nio.charset.StandardCharsets;
import org.mtrrledger.events.model.EventRef;

/**
 * One record of the audit log as the engine sees it, whatever read it (a Kafka consumer or a rebuild). Its
 * {@link EventRef} is made once, where the record is read, and is the one the fold and the projections are handed.
 *
 * @param ref      where the record sits: topic, partition, offset; its {@code toString()} is how errors name it
 * @param keyBytes the Kafka key as published (the VM id in UTF-8), or null. The fold takes the VM from the event
 *                 itself; the key is only read when a record is skipped, so it is not decoded per record.
 */
public record LogRecord(EventRef ref, byte[] keyBytes, byte[] value) {
    public LogRecord(String topic, int partition, long offset, String key, byte[] value) {
        this(new EventRef(topic, partition, offset), key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** The key decoded as UTF-8 (malformed bytes replaced), or null. */
    public String key() {
        return keyBytes == null ? null : new String(keyBytes, StandardCharsets.UTF_8);
    }
}
