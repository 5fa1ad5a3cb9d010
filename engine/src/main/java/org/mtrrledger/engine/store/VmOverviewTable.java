package org.mtrrledger.engine.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mtrrledger.events.model.EventKind;

/**
 * Each VM's overview ({@link Column#VM_OVERVIEW}): what a listing of the VMs shows of one VM (how many events, from
 * which offset, between which trace times, read from which files), as of the VM's head, so that the listing reads one
 * row per VM plus the events stored after it instead of scanning the whole {@link EventLog}. Key: the VM id in UTF-8,
 * nothing after it (as {@link VmStateTable}). Value (big-endian): as-of offset (8B: the offset of the last event it
 * covers, -1 when none), event count covered (8B), first offset (8B, -1 when none), a flags byte (bit 0: the events
 * have trace timestamps), then if set the least and greatest timestamp in ns (8B each), then the number of distinct
 * source files (4B) and each file name, sorted, as a length (4B) and its UTF-8 bytes, then the number of event kinds
 * (1B, {@link EventKind}'s count) and the events of each kind in {@link EventKind} order (8B each), which the metrics
 * endpoint sums without scanning the log. Written in the same batch as the
 * VM's head, whenever the head is ({@link VmStateTable}), so the two share an as-of offset; a reader folds in the
 * VM's events after it. A store folded by a build without this family has no rows (and a read-only opener may not
 * have the family at all): {@link #get} answers null and the reader scans the event log. Point reads
 * (bloom-filtered). Retention: until the VM is forgotten.
 */
public final class VmOverviewTable {
    private static final int HAS_TIMESTAMPS = 1;
    private final LedgerStore store;

    /**
     * One VM's overview as of offset {@code asOf}.
     *
     * @param asOf        the offset of the last event covered, -1 when none is
     * @param events      how many of the VM's events it covers
     * @param firstOffset the offset of the first event covered, -1 when none is
     * @param firstTsNs   the least trace timestamp of the events covered, null when none has one
     * @param lastTsNs    the greatest, null when none has one
     * @param sources     the distinct source files of the events covered, sorted
     * @param byKind      how many of the events covered are of each {@link EventKind}, in its order
     */
    public record Overview(long asOf, long events, long firstOffset, Long firstTsNs, Long lastTsNs,
            List<String> sources, List<Long> byKind) {
        public Overview {
            if ((firstTsNs == null) != (lastTsNs == null)) {
                throw new IllegalArgumentException("first and last timestamp must both be set or both null");
            }
            if (byKind.size() != KINDS) {
                throw new IllegalArgumentException(byKind.size() + " kind counts, not " + KINDS);
            }
            sources = List.copyOf(sources);
            byKind = List.copyOf(byKind);
        }

        /** How many of the events covered are of {@code kind}. */
        public long count(EventKind kind) {
            return byKind.get(kind.ordinal());
        }
    }

    /** The number of event kinds each overview counts. */
    public static final int KINDS = EventKind.values().length;

    public VmOverviewTable(LedgerStore store) {
        this.store = store;
    }

    /** The VM's overview, or null if the store has none (no such VM, or folded by a build without overviews). */
    public Overview get(String vm) {
        if (!store.has(Column.VM_OVERVIEW)) {
            return null;
        }
        byte[] b = store.get(Column.VM_OVERVIEW, Keys.vmKey(vm));
        return b == null ? null : decode(b);
    }

    public void put(Batch batch, VmKeys vm, Overview overview) {
        batch.put(Column.VM_OVERVIEW, vm.stateKey(), encode(overview));
    }

    static byte[] encode(Overview o) {
        List<byte[]> files = new ArrayList<>(o.sources().size());
        int size = 3 * Long.BYTES + 1 + (o.firstTsNs() == null ? 0 : 2 * Long.BYTES) + Integer.BYTES + 1
                + KINDS * Long.BYTES;
        for (String s : o.sources()) {
            byte[] f = s.getBytes(StandardCharsets.UTF_8);
            files.add(f);
            size += Integer.BYTES + f.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putLong(o.asOf()).putLong(o.events()).putLong(o.firstOffset());
        b.put((byte) (o.firstTsNs() == null ? 0 : HAS_TIMESTAMPS));
        if (o.firstTsNs() != null) {
            b.putLong(o.firstTsNs()).putLong(o.lastTsNs());
        }
        b.putInt(files.size());
        for (byte[] f : files) {
            b.putInt(f.length).put(f);
        }
        b.put((byte) KINDS);
        for (long n : o.byKind()) {
            b.putLong(n);
        }
        return b.array();
    }

    static Overview decode(byte[] value) {
        Objects.requireNonNull(value, "value");
        try {
            ByteBuffer b = ByteBuffer.wrap(value);
            long asOf = b.getLong();
            long events = b.getLong();
            long first = b.getLong();
            byte flags = b.get();
            Long firstTs = null;
            Long lastTs = null;
            if ((flags & HAS_TIMESTAMPS) != 0) {
                firstTs = b.getLong();
                lastTs = b.getLong();
            }
            int n = b.getInt();
            if (n < 0 || n > b.remaining() / Integer.BYTES) {
                throw new IllegalArgumentException("lists " + n + " files in " + value.length + " bytes");
            }
            List<String> files = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) {
                    throw new IllegalArgumentException("file name of " + len + " bytes, "
                            + b.remaining() + " left");
                }
                byte[] f = new byte[len];
                b.get(f);
                files.add(new String(f, StandardCharsets.UTF_8));
            }
            int kinds = b.get();
            if (kinds != KINDS) {
                throw new IllegalArgumentException("counts " + kinds + " event kinds, not " + KINDS);
            }
            List<Long> byKind = new ArrayList<>(KINDS);
            for (int i = 0; i < KINDS; i++) {
                byKind.add(b.getLong());
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " trailing bytes");
            }
            return new Overview(asOf, events, first, firstTs, lastTs, files, byKind);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new CorruptValueException("VM overview of " + value.length + " bytes", e);
        }
    }
}
