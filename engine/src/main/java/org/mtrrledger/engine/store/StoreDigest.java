package org.mtrrledger.engine.store;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * What a store holds, table by table: entry counts, key and value bytes, and a content hash. Two folds of the same
 * log must leave equal digests (a refold, a restart after a crash, a fold shared by two engines), and the bench sizes
 * the tables with them. Computed here, beside the key layouts, so that comparing stores needs none of them: a scope is
 * a whole table, one VM's records in a VM-keyed table, or one partition's skipped records.
 */
public final class StoreDigest {

    private StoreDigest() {}

    /** A table's (or a scope's) entries, their key and value bytes, and SHA-256 over them in key order. */
    public record Table(long entries, long keyBytes, long valueBytes, String sha256) {
        @Override
        public String toString() {
            return entries + " entries, sha256 " + sha256.substring(0, 16);
        }
    }

    /** Every table of {@code store} ({@link LedgerStore#columns()}, in that order). */
    public static Map<Column, Table> of(LedgerStore store) {
        Map<Column, Table> out = new LinkedHashMap<>();
        for (Column c : store.columns()) {
            out.put(c, of(store, c));
        }
        return out;
    }

    /** The whole of table {@code c}. */
    public static Table of(LedgerStore store, Column c) {
        return digest(store, c, new byte[0], null);
    }

    /** The first entry where table {@code c} of two stores differs, for failure messages; null if equal. */
    public static String firstDifference(LedgerStore a, LedgerStore b, Column c) {
        return firstDifference(a, b, c, new byte[0], null);
    }

    /**
     * As {@link #firstDifference(LedgerStore, LedgerStore, Column)} for {@code vm}'s records only, in the VM-keyed
     * table {@code c} ({@link Column#VM_STATE}, {@link Column#VM_OVERVIEW}, {@link Column#CHECKPOINTS},
     * {@link Column#EVENTS} and every {@link OutputTable}).
     */
    public static String firstDifference(LedgerStore a, LedgerStore b, Column c, String vm) {
        byte[][] r = vmRange(c, vm);
        return firstDifference(a, b, c, r[0], r[1]);
    }

    /** As {@link #firstDifference(LedgerStore, LedgerStore, Column)} for the records skipped on {@code partition}. */
    public static String firstSkippedDifference(LedgerStore a, LedgerStore b, int partition) {
        byte[] prefix = Keys.partitionPrefix(partition);
        return firstDifference(a, b, Column.SKIPPED, prefix, Keys.prefixEnd(prefix));
    }

    /** [from, to) of {@code vm}'s keys in {@code c}: its one key in VM_STATE (vmId sorts just before vmId 0x00). */
    private static byte[][] vmRange(Column c, String vm) {
        return switch (c.layout()) {
            case VM -> new byte[][] {Keys.vmKey(vm), Keys.vmPrefix(vm)};
            case VM_OFFSET, VM_POLICY_OFFSET -> new byte[][] {Keys.vmPrefix(vm), Keys.prefixEnd(Keys.vmPrefix(vm))};
            default -> throw new IllegalArgumentException(c + " is not keyed by VM");
        };
    }

    private static Table digest(LedgerStore store, Column c, byte[] from, byte[] to) {
        MessageDigest md = sha256();
        long n = 0;
        long keys = 0;
        long values = 0;
        ByteBuffer len = ByteBuffer.allocate(8);
        try (CloseableIterator<Entry> it = store.scan(c, from, to)) {
            while (it.hasNext()) {
                Entry e = it.next();
                md.update(len.clear().putInt(e.key().length).putInt(e.value().length).array());
                md.update(e.key());
                md.update(e.value());
                n++;
                keys += e.key().length;
                values += e.value().length;
            }
        }
        return new Table(n, keys, values, HexFormat.of().formatHex(md.digest()));
    }

    private static String firstDifference(LedgerStore a, LedgerStore b, Column c, byte[] from, byte[] to) {
        try (CloseableIterator<Entry> x = a.scan(c, from, to); CloseableIterator<Entry> y = b.scan(c, from, to)) {
            long i = 0;
            while (x.hasNext() || y.hasNext()) {
                Entry ex = x.hasNext() ? x.next() : null;
                Entry ey = y.hasNext() ? y.next() : null;
                if (ex == null || ey == null || !Arrays.equals(ex.key(), ey.key())
                        || !Arrays.equals(ex.value(), ey.value())) {
                    return c + " entry #" + i + ": " + describe(c, ex) + " vs " + describe(c, ey);
                }
                i++;
            }
            return null;
        }
    }

    private static String describe(Column c, Entry e) {
        if (e == null) {
            return "<none>";
        }
        String key = switch (c.layout()) {
            case PARTITION_OFFSET -> Keys.decodePartitionOffsetKey(e.key()).toString();
            case VM -> Keys.vmOfKey(e.key());
            case VM_OFFSET -> Keys.decodeVmOffsetKey(e.key()).toString();
            case VM_POLICY_OFFSET -> Keys.decodeVmPolicyOffsetKey(e.key()).toString();
            case META -> new String(e.key(), java.nio.charset.StandardCharsets.UTF_8);
        };
        return key + " (" + e.value().length + " value bytes)";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
