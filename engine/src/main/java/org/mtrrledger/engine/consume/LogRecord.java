package org.mtrrledger.engine.consume;

import java.nio.charset.StandardCharsets;

/**
 * One record of the audit log as the engine sees it, whatever read it (a Kafka consumer or a rebuild).
 *
 * @param keyBytes the Kafka key as published (the VM id in UTF-8), or null. The fold takes the VM from the event
 *                 itself; the key is only read when a record is skipped, so it is not decoded per record.
 */
public record LogRecord(String topic, int partition, long offset, byte[] keyBytes, byte[] value) {
    public LogRecord(String topic, int partition, long offset, String key, byte[] value) {
        this(topic, partition, offset, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** The key decoded as UTF-8 (malformed bytes replaced), or null. */
    public String key() {
        return keyBytes == null ? null : new String(keyBytes, StandardCharsets.UTF_8);
    }

    public String where() {
        return topic + "/" + partition + "@" + offset;
    }
}
