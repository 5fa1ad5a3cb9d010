package org.mtrrledger.events.testing;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators the property tests of every module share. Uniform draws rarely hit the values where
 * encodings and comparisons break (0, -1, the extremes, varint length boundaries), so the number generators here
 * mix those in; QuickTheories itself also starts every property with the shrink target, minimum and maximum.
 */
public final class Gens {
    /** How often a generator with edge cases draws one of them, in percent. */
    public static final int EDGE_PERCENT = 25;

    private Gens() {
    }

    /** {@code any}, with one of {@code edgeCases} drawn {@link #EDGE_PERCENT} percent of the time. */
    public static <T> Gen<T> withEdgeCases(Gen<T> any, List<T> edgeCases) {
        return any.mix(arbitrary().pick(edgeCases), EDGE_PERCENT);
    }

    /** Any long, with 0, ±1, the extremes and the one- and two-byte varint boundaries mixed in. */
    public static Gen<Long> anyLong() {
        return withEdgeCases(longs().all(), List.of(0L, 1L, -1L, 63L, -64L, 64L, -65L, 8191L, -8192L,
                Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1));
    }

    /** Any int, with the edge cases of {@link #anyLong()}. */
    public static Gen<Integer> anyInt() {
        return withEdgeCases(integers().all(), List.of(0, 1, -1, 63, -64, 64, -65, 8191, -8192,
                Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE - 1));
    }

    /** Longs in {@code [min, max]} with both ends and their neighbours mixed in. */
    public static Gen<Long> longsIn(long min, long max) {
        return withEdgeCases(longs().between(min, max),
                List.of(min, max, Math.min(min + 1, max), Math.max(max - 1, min)));
    }

    /** Ints in {@code [min, max]} with both ends and their neighbours mixed in. */
    public static Gen<Integer> intsIn(int min, int max) {
        return withEdgeCases(integers().between(min, max),
                List.of(min, max, Math.min(min + 1, max), Math.max(max - 1, min)));
    }

    /** {@code gen}, or null {@code percentNull} percent of the time. */
    public static <T> Gen<T> orNull(Gen<T> gen, int percentNull) {
        return gen.toOptionals(percentNull).map(o -> o.orElse(null));
    }

    /** Strings of any UTF-16 code units (lone surrogates and control characters included), up to a length. */
    public static Gen<String> utf16(int maxLength) {
        return chars(Generate.characters(Character.MIN_VALUE, Character.MAX_VALUE), 0, maxLength);
    }

    /** Strings of 7-bit ASCII characters, up to a length. */
    public static Gen<String> ascii(int maxLength) {
        return chars(Generate.characters(0, 0x7f), 0, maxLength);
    }

    /** Strings of the characters of {@code alphabet}, of a length in {@code [minLength, maxLength]}. */
    public static Gen<String> over(String alphabet, int minLength, int maxLength) {
        return chars(arbitrary().pick(alphabet.chars().mapToObj(c -> (char) c).toList()), minLength, maxLength);
    }

    private static Gen<String> chars(Gen<Character> chars, int minLength, int maxLength) {
        return lists().of(chars).ofSizeBetween(minLength, maxLength).map(cs -> {
            StringBuilder b = new StringBuilder(cs.size());
            cs.forEach(b::append);
            return b.toString();
        });
    }

    /** Byte arrays of {@code bytes}, of a length in {@code [0, maxLength]}, printed as numbers on failure. */
    public static Gen<byte[]> byteArrays(Gen<Byte> bytes, int maxLength) {
        return Generate.byteArrays(integers().between(0, maxLength), bytes).describedAs(Arrays::toString);
    }

    /** Any byte, with 0, 1, 0x7f, 0x80 and 0xff mixed in. */
    public static Gen<Byte> anyByte() {
        return withEdgeCases(Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0),
                List.of((byte) 0, (byte) 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff));
    }
}
