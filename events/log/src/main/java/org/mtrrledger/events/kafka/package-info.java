/**
 * Kafka infrastructure for the audit log: topic creation with unlimited retention
 * ({@link org.mtrrledger.events.kafka.TopicAdmin}), the one-transaction-per-file publisher with an atomic
 * ingest ledger for de-duplication ({@link org.mtrrledger.events.kafka.EventPublisher}) and a
 * {@code read_committed} reader ({@link org.mtrrledger.events.kafka.TopicReader}). Clients only: the embedded
 * broker the application starts when no Kafka is given lives in the {@code broker} module.
 *
 * <p>Partitioning: records are keyed by VM id and use Kafka's default partitioner (murmur2 of the key modulo
 * the partition count), so <em>all events of one VM go to one partition</em> and stay in publish order. This
 * only holds while the partition count of the events topic never changes; {@link
 * org.mtrrledger.events.kafka.TopicAdmin} therefore never adds partitions to an existing topic.
 */
package org.mtrrledger.events.kafka;
