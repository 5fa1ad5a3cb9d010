package org.mtrrledger.events.model;

/** Where an event sits in the audit log: topic, partition and offset. */
public record EventRef(String topic, int partition, long offset) {
    @Override
    public String toString() {
        return topic + "/" + partition + "@" + offset;
    }
}
