package org.mtrrledger.engine.store;

import java.util.function.Function;

/**
 * How a table turns its values into bytes and back. Each table is built with the codec of its value type, so the
 * layer above a table handles values only (a VM ledger, a zap record), never the bytes under them; the value types
 * themselves own their encodings (they are part of the store format, see {@link LedgerStore#FORMAT_VERSION}).
 */
public interface ValueCodec<V> {

    byte[] encode(V value);

    /** @throws CorruptValueException if the bytes are not a value of this type */
    V decode(byte[] bytes);

    static <V> ValueCodec<V> of(Function<V, byte[]> encode, Function<byte[], V> decode) {
        return new ValueCodec<>() {
            @Override
            public byte[] encode(V value) {
                return encode.apply(value);
            }

            @Override
            public V decode(byte[] bytes) {
                return decode.apply(bytes);
            }
        };
    }

    /** Values already encoded by their producer (a projection hands its records over as bytes). */
    ValueCodec<byte[]> BYTES = of(b -> b, b -> b);
}
