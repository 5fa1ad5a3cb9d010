package org.mtrrledger.events.codec;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificDatumWriter;
import org.mtrrledger.events.avro.MtrrEvent;

/**
 * The SpecificDatumWriter of {@link EventCodec}, remembering which branch of each union a class of value takes.
 * Avro resolves a union per value by the value's schema name, through several map lookups, and an event has five
 * or six unions. For the generated classes of {@link MtrrEvent} the branch depends on the value's class alone (a
 * specific record's or enum's schema is its class's; null, Integer, Long and String map to their primitive types),
 * so the first answer for a class holds for every later value of that class. Not thread-safe, like the codec.
 */
final class EventDatumWriter extends SpecificDatumWriter<MtrrEvent> {
    private final Map<Schema, Branches> unions = new IdentityHashMap<>();

    EventDatumWriter(Schema schema) {
        super(schema);
    }

    @Override
    protected int resolveUnion(Schema union, Object datum) {
        Class<?> type = datum == null ? Void.class : datum.getClass();
        Branches branches = unions.computeIfAbsent(union, u -> new Branches());
        int index = branches.of(type);
        if (index < 0) {
            // Avro's own answer, or its UnresolvedUnionException; only answers are remembered.
            index = super.resolveUnion(union, datum);
            branches.add(type, index);
        }
        return index;
    }

    /** The branch taken by each class seen so far in one union: a few entries, searched in order. */
    private static final class Branches {
        private Class<?>[] types = new Class<?>[4];
        private int[] indexes = new int[4];
        private int size;

        int of(Class<?> type) {
            for (int i = 0; i < size; i++) {
                if (types[i] == type) {
                    return indexes[i];
                }
            }
            return -1;
        }

        void add(Class<?> type, int index) {
            if (size == types.length) {
                types = Arrays.copyOf(types, 2 * size);
                indexes = Arrays.copyOf(indexes, 2 * size);
            }
            types[size] = type;
            indexes[size++] = index;
        }
    }
}
