package org.mtrrledger.engine.store;

import java.util.Objects;

/**
 * One output table a projection declares ({@code Projection.outputs()}): the name of its column family on disk and
 * the codec of its records. The engine writes a projection's records as the bytes the projection encoded; readers
 * open the table typed ({@link OutputTable#of}). The layout is {@link OutputTable}'s for every output: keyed by
 * (VM, policy, event), scanned (no bloom filter), kept with the VM's events.
 *
 * <p>The family name is part of the store format: renaming an output makes every existing store refuse to open
 * with it ({@link LedgerStore#open(java.nio.file.Path, OpenMode, Durability, java.util.List)}).
 *
 * @param <V> the record type
 */
public final class OutputSpec<V> {
    private final Column column;
    private final ValueCodec<V> codec;

    private OutputSpec(Column column, ValueCodec<V> codec) {
        this.column = column;
        this.codec = codec;
    }

    /**
     * An output stored in the family {@code familyName}, its records encoded by {@code codec}.
     *
     * @throws IllegalArgumentException if the name is not a valid output family name ({@link Column})
     */
    public static <V> OutputSpec<V> of(String familyName, ValueCodec<V> codec) {
        return new OutputSpec<>(Column.output(familyName), Objects.requireNonNull(codec, "codec"));
    }

    /** The column family, e.g. for {@link StoreDigest}. */
    public Column column() {
        return column;
    }

    public String familyName() {
        return column.familyName();
    }

    public ValueCodec<V> codec() {
        return codec;
    }

    @Override
    public String toString() {
        return "output " + column.familyName();
    }
}
