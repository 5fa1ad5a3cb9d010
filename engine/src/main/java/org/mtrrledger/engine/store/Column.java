package org.mtrrledger.engine.store;

import java.nio.charset.StandardCharsets;

/**
 * The column families of a {@link LedgerStore}: the on-disk layout of the ledger.
 *
 * <p>Each family is read and written through its typed table (named on each constant), which documents its key
 * layout, ordering and retention. Conventions shared by every family (see {@link Keys} for the encoders):
 * <ul>
 *   <li>RocksDB's default bytewise comparator orders keys as unsigned byte strings, so every integer
 *       in a key is fixed-width <b>big-endian</b> and non-negative: byte order is numeric order.
 *   <li>{@code vmId} is the VM id in UTF-8, never containing NUL. VM-keyed families put a single
 *       {@code 0x00} after it. Because 0x00 is the smallest byte and cannot occur inside an id, all keys
 *       of one VM are contiguous and {@code vmId + 0x00} is a prefix of exactly that VM's keys: without
 *       it, "vm-1" would be a prefix of "vm-10" and a reverse seek for "vm-10" could land on "vm-1".
 *       VMs sort by the UTF-8 bytes of their ids (= code point order).
 *   <li>Values are encoded by the codec each table is built with ({@link ValueCodec}).
 *   <li>Nothing expires by itself (no TTL, no compaction filter): retention is explicit range deletes
 *       issued by a table in the same batch as the writes they accompany ({@link CheckpointTable}).
 * </ul>
 *
 * <p>The family <em>names</em> on disk ({@link #familyName()}) are part of the format and must never
 * change; the Java constant names may.
 */
public enum Column {

    /** {@link MetaTable}: offsets per partition, the topic; and the store's own {@code format-version}. */
    META("meta", true),

    /** {@link VmStateTable}: the latest state per VM, keyed by VM id. */
    VM_STATE("vm-state", true),

    /** {@link CheckpointTable}: full VM states every K events, by (VM, offset), with retention. */
    CHECKPOINTS("checkpoints", false),

    /** {@link EventLog}: every folded event with its outcome, one record per event, by (VM, offset). */
    EVENTS("events-by-vm", false),

    /** {@link SkippedTable}: records the fold skipped, by (partition, offset). */
    SKIPPED("skipped-records", false),

    /** {@link OutputTable#zaps}: zap records, one value per (VM, policy, event). */
    ZAPS("zaps", false),

    /** {@link OutputTable#hazards}: hazard records, one value per (VM, policy, event). */
    HAZARDS("hazards", false);

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
