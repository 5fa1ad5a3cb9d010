package org.mtrrledger.engine.store;

import java.nio.charset.StandardCharsets;

/**
 * The column families of a {@link LedgerStore}: the on-disk layout of the ledger.
 *
 * <p>Conventions shared by every family (see {@link Keys} for the encoders):
 * <ul>
 *   <li>RocksDB's default bytewise comparator orders keys as unsigned byte strings, so every integer
 *       in a key is fixed-width <b>big-endian</b> and non-negative: byte order is numeric order.
 *   <li>{@code vmId} is the VM id in UTF-8, never containing NUL. VM-keyed families put a single
 *       {@code 0x00} after it. Because 0x00 is the smallest byte and cannot occur inside an id, all keys
 *       of one VM are contiguous and {@code vmId + 0x00} is a prefix of exactly that VM's keys: without
 *       it, "vm-1" would be a prefix of "vm-10" and a reverse seek for "vm-10" could land on "vm-1".
 *       VMs sort by the UTF-8 bytes of their ids (= code point order).
 *   <li>Values are opaque to the store unless stated; the engine owns their encoding.
 *   <li>Nothing expires by itself (no TTL, no compaction filter): retention is explicit range deletes
 *       issued by the engine in the same batch as the writes they accompany.
 * </ul>
 *
 * <p>The family <em>names</em> on disk ({@link #familyName()}) are part of the format and must never
 * change; the Java constant names may.
 */
public enum Column {

    /**
     * Store bookkeeping. Key: a short UTF-8 string. Known keys:
     * <ul>
     *   <li>{@code offset/<topic>/<partition>} ({@link Keys#metaOffsetKey}) &rarr; the next offset to
     *       consume from that partition, 8 bytes big-endian. Written in the same batch as the state
     *       folded from the events before it; this is what makes a restart exact.
     *   <li>{@code format-version} ({@link Keys#metaFormatVersionKey()}) &rarr; 8-byte big-endian
     *       layout version, written and checked by the store ({@link LedgerStore#FORMAT_VERSION}).
     *   <li>{@code topic} ({@link Keys#metaTopicKey()}) &rarr; UTF-8 name of the topic this store folds.
     * </ul>
     * Ordering is irrelevant (point reads only). Retention: forever, a handful of keys.
     */
    META("meta", true),

    /**
     * Latest folded state per VM. Key: {@code vmId} (UTF-8, no separator: nothing follows it).
     * Value: the VM's state after the last folded event, opaque engine bytes, overwritten per batch.
     * Point reads; a full scan lists the VMs in id order. Retention: until the VM is forgotten.
     */
    VM_STATE("vm-state", true),

    /**
     * Periodic full snapshots of a VM's state, every K events of that VM, so that "state at offset O"
     * is one {@link LedgerStore#floor floor} lookup plus a refold of fewer than K events.
     * Key: {@code vmId 0x00 offset(8B BE)} ({@link Keys#vmOffsetKey}), where offset is the offset of
     * the event whose fold produced the snapshot. Value: opaque full VM state. Ordered by VM, then by
     * offset, so the nearest checkpoint at or before O is {@code floor(vmPrefix, vmOffsetKey(vm, O))}.
     * Retention: pruned per VM with a range delete {@code [vmPrefix(vm), vmOffsetKey(vm, cutoff))}.
     */
    CHECKPOINTS("checkpoints", false),

    /**
     * The folded log, by VM: every event the engine folded, verbatim, with its outcome. This is both the audit
     * trail ("what exactly was published at this offset, and what did the fold make of it") and the input of time
     * travel, which replays one VM from a checkpoint: keying by VM makes that replay ONE sequential scan of
     * adjacent keys instead of an index scan plus a point read per event (format version 1 kept a partition-keyed
     * copy and a VM index beside it: two puts per event and twice the keys).
     * Key: {@code vmId 0x00 offset(8B BE)} ({@link Keys#vmOffsetKey}); the offset is in the VM's partition
     * (records are keyed by VM id, so a VM lives in one partition).
     * Value: {@code FoldedEvent}: partition (4B BE) | payload length (4B BE) | payload (the record value as
     * published, Avro single-object bytes) | outcome (engine bytes). Retention: follows the topic's, per VM.
     */
    EVENTS("events-by-vm", false),

    /**
     * Records the engine could not fold and skipped (poison handling {@code SKIP}: too big, undecodable, an invalid
     * event, or on the wrong partition): they have no trustworthy VM id, so they are kept by log position. Key: {@code partition(4B BE) offset(8B BE)}
     * ({@link Keys#partitionOffsetKey}). Value: {@code SkippedRecord} (record key, raw value, reason). Rare by
     * construction; retention follows the topic's.
     */
    SKIPPED("skipped-records", false),

    /**
     * Zap records produced by the fold, per VM and per policy.
     * Key: {@code vmId 0x00 policyId(1B) offset(8B BE) seq(2B BE)} ({@link Keys#vmPolicyOffsetKey});
     * offset is the event that produced the record, seq numbers several records from one event.
     * Value: opaque zap record. Ordered by VM, policy, offset, seq, so "this VM's zaps under policy P
     * in [a, b)" is one bounded scan. Retention: with the VM's events.
     */
    ZAPS("zaps", false),

    /**
     * Hazard records produced by the fold, per VM and per policy. Same key layout, ordering and
     * retention as {@link #ZAPS}; value: opaque hazard record.
     */
    HAZARDS("hazards", false),

    /**
     * Free-form outputs of projections. Key: {@code vmId 0x00 kind(1B) offset(8B BE) seq(2B BE)}
     * ({@link Keys#vmKindOffsetKey}, the {@link #ZAPS} layout with the projection kind in place of the
     * policy). Value: opaque. Retention: owned by each projection.
     */
    PROJECTIONS("projections", false);

    private final String familyName;
    private final boolean pointReads;

    Column(String familyName, boolean pointReads) {
        this.familyName = familyName;
        this.pointReads = pointReads;
    }

    /** The column family name on disk. Stable: part of the storage format. */
    public String familyName() {
        return familyName;
    }

    /**
     * Whether the family is read by exact key, which is when a bloom filter pays for its memory and
     * write cost. The others are read by seek / prefix scan, where a whole-key bloom filter is useless.
     */
    boolean pointReads() {
        return pointReads;
    }

    byte[] familyNameBytes() {
        return familyName.getBytes(StandardCharsets.UTF_8);
    }
}
