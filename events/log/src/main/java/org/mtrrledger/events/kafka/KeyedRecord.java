package org.mtrrledger.events.kafka;

import java.util.Objects;

/**
 * One event to publish.
 *
 * @param key    the VM id. Kafka's default partitioner hashes it, so all events of a VM go to one partition
 *               and keep their order; it must not be null (a null key would spread a VM over partitions)
 * @param value  the event, already Avro-encoded by the caller
 */
public record KeyedRecord(String key, byte[] value) {

    public KeyedRecord {
        Objects.requireNonNull(key, "key (VM id) must not be null: it decides the partition");
        Objects.requireNonNull(value, "value");
    }
}
