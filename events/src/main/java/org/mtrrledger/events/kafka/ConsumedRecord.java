package org.mtrrledger.events.kafka;

/**
 * One committed record as read back by {@link TopicReader}.
 *
 * @param partition  the partition it is in
 * @param offset     its offset in that partition
 * @param key        the VM id (or the digest hex in the ingest ledger); null if the record had no key
 * @param value      the raw value bytes (Avro single-object encoding for events; JSON for the ledger)
 * @param timestamp  the record timestamp (ms since the epoch)
 */
public record ConsumedRecord(int partition, long offset, String key, byte[] value, long timestamp) {
}
