package org.mtrrledger.engine.store;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The store's bookkeeping ({@link Column#META}): the topic the store folds and, per partition of it, the next offset
 * to consume. Keys are short UTF-8 strings ({@code topic}, {@code offset/<topic>/<partition>}, and
 * {@code format-version}, which {@link LedgerStore} itself owns); values are UTF-8 (the topic) or 8 bytes big-endian
 * (offsets). The next offsets are written in the same {@link Batch} as the state folded from the events before them:
 * this is what makes a restart exact. Point reads, except {@link #nextOffsets} (one prefix scan over a topic's
 * partitions). Retention: forever, a handful of keys.
 */
public final class MetaTable {
    private final LedgerStore store;

    MetaTable(LedgerStore store) {
        this.store = store;
    }

    /** The topic recorded by the first batch the engine wrote, if any. */
    public Optional<String> topic() {
        byte[] t = store.get(Column.META, Keys.metaTopicKey());
        return t == null ? Optional.empty() : Optional.of(new String(t, StandardCharsets.UTF_8));
    }

    /** The next offset to consume from {@code topic}'s {@code partition}, if the store has folded any of it. */
    public Optional<Long> nextOffset(String topic, int partition) {
        return store.getLong(Column.META, Keys.metaOffsetKey(topic, partition));
    }

    /** Next offset per partition of {@code topic} (partitions the store has folded nothing of are absent). */
    public Map<Integer, Long> nextOffsets(String topic) {
        Map<Integer, Long> out = new TreeMap<>();
        byte[] prefix = Keys.metaOffsetPrefix(topic);
        try (CloseableIterator<Entry> it = store.scanPrefix(Column.META, prefix)) {
            while (it.hasNext()) {
                Entry e = it.next();
                out.put(Keys.partitionOfMetaOffsetKey(e.key(), prefix.length), Values.asLong(e.value()));
            }
        }
        return out;
    }

    public void putTopic(Batch batch, String topic) {
        batch.put(Column.META, Keys.metaTopicKey(), topic.getBytes(StandardCharsets.UTF_8));
    }

    public void putNextOffset(Batch batch, String topic, int partition, long next) {
        batch.putLong(Column.META, Keys.metaOffsetKey(topic, partition), next);
    }
}
