package org.mtrrledger.engine.consume;

/** One record of the audit log as the engine sees it, whatever read it (a Kafka consumer or a rebuild). */
public record LogRecord(String topic, int partition, long offset, String key, byte[] value) {
    public String where() {
        return topic + "/" + partition + "@" + offset;
    }
}
