package org.mtrrledger.events.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the ingest ledger remembers about one published file; the value of its ledger record (as JSON, so it
 * can be read with any Kafka tool) and what {@link PublishOutcome} reports.
 *
 * @param digest      SHA-256 of the file (also the ledger record key)
 * @param label       what the caller called the file (usually its path as given on the command line)
 * @param topic       the events topic it went to
 * @param eventCount  number of events published
 * @param partitions  per partition, the offsets its events occupy (sorted by partition; empty for 0 events)
 * @param ingestedAt  when the transaction was committed (client clock)
 */
public record IngestSummary(IngestDigest digest, String label, String topic, long eventCount,
                            SortedMap<Integer, OffsetRange> partitions, Instant ingestedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT_VERSION = 1;

    public IngestSummary {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(ingestedAt, "ingestedAt");
        partitions = Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
    }

    /** One line for the CLI, e.g. {@code boot.log: 10000 events into mtrr.events at 2026-...Z, p0 [0..4999] p1 [0..4999]}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(label).append(": ").append(eventCount).append(" events into ")
                .append(topic).append(" at ").append(ingestedAt);
        partitions.forEach((p, r) -> sb.append(", p").append(p).append(" [").append(r.first()).append("..")
                .append(r.last()).append(']'));
        return sb.toString();
    }

    /** The ledger record value. */
    byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("v", FORMAT_VERSION);
        root.put("digest", digest.hex());
        root.put("label", label);
        root.put("topic", topic);
        root.put("events", eventCount);
        root.put("ingestedAt", ingestedAt.toString());
        ObjectNode parts = root.putObject("partitions");
        partitions.forEach((p, r) -> {
            ObjectNode range = parts.putObject(Integer.toString(p));
            range.put("first", r.first());
            range.put("last", r.last());
            range.put("count", r.count());
        });
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ingest summary of " + label, e);
        }
    }

    /** Parses a ledger record value. */
    static IngestSummary fromJson(byte[] json) {
        try {
            JsonNode root = JSON.readTree(json);
            SortedMap<Integer, OffsetRange> parts = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : root.path("partitions").properties()) {
                JsonNode r = e.getValue();
                parts.put(Integer.parseInt(e.getKey()), new OffsetRange(r.path("first").asLong(),
                        r.path("last").asLong(), r.path("count").asLong()));
            }
            return new IngestSummary(IngestDigest.of(root.path("digest").asText()), root.path("label").asText(),
                    root.path("topic").asText(), root.path("events").asLong(),
                    parts, Instant.parse(root.path("ingestedAt").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException("ingest ledger record is not JSON", e);
        }
    }
}
