package org.mtrrledger.engine.store;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A column family of a {@link LedgerStore}: the on-disk layout of the ledger.
 *
 * <p>The engine owns six families, the constants below ({@link #ENGINE}): its bookkeeping, the VM states and
 * checkpoints, the folded log, the skipped records and the VM overviews. A projection declares the families of its
 * outputs ({@link OutputSpec}, one {@link OutputTable} each, named by the projection: the engine knows no projection's
 * words); a store opens the engine's families plus the ones declared to it. Each family is read and written through
 * its typed table (named on each constant, and {@link OutputTable} for the declared ones), which documents its key
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
 * change; the Java constant names may. A name is one {@code Column} per JVM ({@link #output} returns the same
 * instance for the same name), so columns compare by identity and index the store's per-family arrays.
 */
public final class Column {

    /** How a family's keys are laid out ({@link Keys}): what a digest scopes by VM and how a key is shown. */
    enum Layout { META, VM, VM_OFFSET, VM_POLICY_OFFSET, PARTITION_OFFSET }

    /**
     * Family names of older formats, with the format version that last had them: a store holding one is an old store
     * (and gets a "rebuild" message), and no projection may declare one.
     */
    static final Map<String, Long> RETIRED = Map.of("events", 1L, "vm-events", 1L, "projections", 2L);

    /** RocksDB's own family, which every database has and the store leaves empty. */
    static final String DEFAULT_FAMILY = "default";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** Every column of this JVM by family name; guarded by its own lock. */
    private static final Map<String, Column> BY_NAME = new HashMap<>();

    /** {@link MetaTable}: offsets per partition, the topic; and the store's own {@code format-version}. */
    public static final Column META = engine("META", "meta", true, Layout.META);

    /** {@link VmStateTable}: each VM's head (a recent state the event log catches up), keyed by VM id. */
    public static final Column VM_STATE = engine("VM_STATE", "vm-state", true, Layout.VM);

    /** {@link CheckpointTable}: full VM states every K events, by (VM, offset), with retention. */
    public static final Column CHECKPOINTS = engine("CHECKPOINTS", "checkpoints", false, Layout.VM_OFFSET);

    /** {@link EventLog}: every folded event with its outcome, one record per event, by (VM, offset). */
    public static final Column EVENTS = engine("EVENTS", "events-by-vm", false, Layout.VM_OFFSET);

    /** {@link SkippedTable}: records the fold skipped, by (partition, offset). */
    public static final Column SKIPPED = engine("SKIPPED", "skipped-records", false, Layout.PARTITION_OFFSET);

    /** {@link VmOverviewTable}: each VM's overview (event count, offsets, trace times, source files), by VM id. */
    public static final Column VM_OVERVIEW = engine("VM_OVERVIEW", "vm-overview", true, Layout.VM);

    /** The engine's own families, which every store of this build has, in the order a store opens them. */
    public static final List<Column> ENGINE = List.of(META, VM_STATE, CHECKPOINTS, EVENTS, SKIPPED, VM_OVERVIEW);

    /**
     * Engine families that a store of the current format may lack, because a build without them folded it; their
     * readers answer without them ({@link VmOverviewTable} falls back to the event log). A primary creates them; a
     * read-only or secondary opener opens the store without them.
     */
    static final Set<Column> OPTIONAL = Set.of(VM_OVERVIEW);

    private final String name;
    private final String familyName;
    private final boolean pointReads;
    private final Layout layout;
    /** Dense per-JVM index of the family name, for the store's arrays of handles and ids. */
    private final int slot;

    private Column(String name, String familyName, boolean pointReads, Layout layout, int slot) {
        this.name = name;
        this.familyName = familyName;
        this.pointReads = pointReads;
        this.layout = layout;
        this.slot = slot;
    }

    private static Column engine(String name, String familyName, boolean pointReads, Layout layout) {
        synchronized (BY_NAME) {
            Column c = new Column(name, familyName, pointReads, layout, BY_NAME.size());
            BY_NAME.put(familyName, c);
            return c;
        }
    }

    /**
     * The family of a projection output named {@code familyName} (an {@link OutputTable}: scanned, never read by
     * exact key). The same name gives the same column.
     *
     * @throws IllegalArgumentException if the name is not 1-64 of {@code [a-z0-9-]} starting with a letter or digit,
     *     or is RocksDB's default family's, an engine family's or a retired one's
     */
    static Column output(String familyName) {
        Objects.requireNonNull(familyName, "familyName");
        if (!NAME.matcher(familyName).matches()) {
            throw new IllegalArgumentException("output family name must be 1-64 of [a-z0-9-] starting with a letter "
                    + "or digit, got \"" + familyName + "\"");
        }
        if (familyName.equals(DEFAULT_FAMILY)) {
            throw new IllegalArgumentException("\"default\" is RocksDB's own family; an output needs another name");
        }
        if (RETIRED.containsKey(familyName)) {
            throw new IllegalArgumentException("\"" + familyName + "\" is the family of an older store format ("
                    + RETIRED.get(familyName) + "); an output needs another name");
        }
        synchronized (BY_NAME) {
            Column c = BY_NAME.get(familyName);
            if (c == null) {
                c = new Column(familyName, familyName, false, Layout.VM_POLICY_OFFSET, BY_NAME.size());
                BY_NAME.put(familyName, c);
            } else if (c.layout != Layout.VM_POLICY_OFFSET) {
                throw new IllegalArgumentException("\"" + familyName + "\" is the engine's " + c.name
                        + " family; an output needs another name");
            }
            return c;
        }
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

    Layout layout() {
        return layout;
    }

    int slot() {
        return slot;
    }

    byte[] familyNameBytes() {
        return familyName.getBytes(StandardCharsets.UTF_8);
    }

    /** The engine constant's name ({@code EVENTS}), or an output's family name ({@code zaps}). */
    @Override
    public String toString() {
        return name;
    }
}
