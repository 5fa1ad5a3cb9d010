package org.mtrrledger.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Properties of the key encodings: byte order equals component order, encodings round-trip, and one
 * VM's keys never fall inside another VM's prefix.
 */
class KeysTest {

    // ----------------------------------------------------------------------------- ordering

    @Property
    void shouldOrderVmOffsetKeysByVmThenOffset(@ForAll("vmIds") String vmA, @ForAll("offsets") long offA,
            @ForAll("vmIds") String vmB, @ForAll("offsets") long offB) {
        int expected = vmA.equals(vmB) ? Long.compare(offA, offB) : compareByCodePoint(vmA, vmB);
        int actual = Arrays.compareUnsigned(Keys.vmOffsetKey(vmA, offA), Keys.vmOffsetKey(vmB, offB));
        assertEquals(Integer.signum(expected), Integer.signum(actual));
    }

    @Property
    void shouldOrderVmPolicyKeysByVmPolicyOffsetSeq(@ForAll("vmIds") String vmA, @ForAll("tags") int polA,
            @ForAll("offsets") long offA, @ForAll("seqs") int seqA, @ForAll("vmIds") String vmB,
            @ForAll("tags") int polB, @ForAll("offsets") long offB, @ForAll("seqs") int seqB) {
        int expected = compareByCodePoint(vmA, vmB);
        if (expected == 0) {
            expected = Integer.compare(polA, polB);
        }
        if (expected == 0) {
            expected = Long.compare(offA, offB);
        }
        if (expected == 0) {
            expected = Integer.compare(seqA, seqB);
        }
        int actual = Arrays.compareUnsigned(
                Keys.vmPolicyOffsetKey(vmA, polA, offA, seqA), Keys.vmPolicyOffsetKey(vmB, polB, offB, seqB));
        assertEquals(Integer.signum(expected), Integer.signum(actual));
    }

    @Property
    void shouldOrderKeysOfOneVmByPolicyOffsetSeq(@ForAll("vmIds") String vm, @ForAll("tags") int polA,
            @ForAll("offsets") long offA, @ForAll("seqs") int seqA, @ForAll("offsets") long offB, @ForAll("seqs") int seqB) {
        // The cross-VM properties rarely draw the same VM twice; this pins the within-VM order.
        assertEquals(Integer.signum(Long.compare(offA, offB)),
                Integer.signum(Arrays.compareUnsigned(Keys.vmOffsetKey(vm, offA), Keys.vmOffsetKey(vm, offB))));
        int expected = offA != offB ? Long.compare(offA, offB) : Integer.compare(seqA, seqB);
        assertEquals(Integer.signum(expected), Integer.signum(Arrays.compareUnsigned(
                Keys.vmPolicyOffsetKey(vm, polA, offA, seqA), Keys.vmPolicyOffsetKey(vm, polA, offB, seqB))));
    }

    @Property
    void shouldOrderPartitionOffsetKeysByPartitionThenOffset(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int pA,
            @ForAll("offsets") long oA, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int pB,
            @ForAll("offsets") long oB) {
        int expected = pA != pB ? Integer.compare(pA, pB) : Long.compare(oA, oB);
        int actual = Arrays.compareUnsigned(Keys.partitionOffsetKey(pA, oA), Keys.partitionOffsetKey(pB, oB));
        assertEquals(Integer.signum(expected), Integer.signum(actual));
    }

    @Property
    void shouldOrderVmStateKeysByCodePoint(@ForAll("vmIds") String a, @ForAll("vmIds") String b) {
        assertEquals(Integer.signum(compareByCodePoint(a, b)),
                Integer.signum(Arrays.compareUnsigned(Keys.vmKey(a), Keys.vmKey(b))));
    }

    // ----------------------------------------------------------------------------- prefixes

    @Property
    void shouldKeepEveryKeyOfAnotherVmOutsideTheVmPrefixRange(@ForAll("vmIds") String vm, @ForAll("vmIds") String other,
            @ForAll("offsets") long offset, @ForAll("tags") int tag, @ForAll("seqs") int seq) {
        byte[] prefix = Keys.vmPrefix(vm);
        byte[] end = Keys.prefixEnd(prefix);
        for (byte[] key : List.of(Keys.vmOffsetKey(other, offset), Keys.vmPolicyOffsetKey(other, tag, offset, seq))) {
            boolean inRange = Arrays.compareUnsigned(key, prefix) >= 0 && Arrays.compareUnsigned(key, end) < 0;
            assertEquals(vm.equals(other), Keys.startsWith(key, prefix));
            assertEquals(vm.equals(other), inRange);
        }
    }

    @Property
    void shouldBoundExactlyTheKeysWithThePrefix(@ForAll("bytes") byte[] prefix, @ForAll("bytes") byte[] key) {
        byte[] end = Keys.prefixEnd(prefix);
        boolean inRange = Arrays.compareUnsigned(key, prefix) >= 0 && (end == null || Arrays.compareUnsigned(key, end) < 0);
        assertEquals(Keys.startsWith(key, prefix), inRange);
    }

    @Property
    void shouldBoundPolicyKeysByPolicyPrefix(@ForAll("vmIds") String vm, @ForAll("tags") int policy,
            @ForAll("tags") int otherPolicy, @ForAll("offsets") long offset, @ForAll("seqs") int seq) {
        byte[] key = Keys.vmPolicyOffsetKey(vm, otherPolicy, offset, seq);
        assertEquals(policy == otherPolicy, Keys.startsWith(key, Keys.vmPolicyPrefix(vm, policy)));
        assertTrue(Keys.startsWith(key, Keys.vmPrefix(vm)));
    }

    // ----------------------------------------------------------------------------- round trips

    @Property
    void shouldRoundTripVmOffsetKeys(@ForAll("vmIds") String vm, @ForAll("offsets") long offset) {
        assertEquals(new Keys.VmOffset(vm, offset), Keys.decodeVmOffsetKey(Keys.vmOffsetKey(vm, offset)));
    }

    @Property
    void shouldRoundTripVmPolicyKeys(@ForAll("vmIds") String vm, @ForAll("tags") int policy,
            @ForAll("offsets") long offset, @ForAll("seqs") int seq) {
        assertEquals(new Keys.VmPolicyOffset(vm, policy, offset, seq),
                Keys.decodeVmPolicyOffsetKey(Keys.vmPolicyOffsetKey(vm, policy, offset, seq)));
        assertArrayEquals(Keys.vmPolicyOffsetKey(vm, policy, offset, seq), Keys.vmKindOffsetKey(vm, policy, offset, seq));
    }

    @Property
    void shouldRoundTripPartitionOffsetKeys(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int partition,
            @ForAll("offsets") long offset) {
        assertEquals(new Keys.PartitionOffset(partition, offset),
                Keys.decodePartitionOffsetKey(Keys.partitionOffsetKey(partition, offset)));
        assertTrue(Keys.startsWith(Keys.partitionOffsetKey(partition, offset), Keys.partitionPrefix(partition)));
    }

    @Property
    void shouldRoundTripVmStateKeys(@ForAll("vmIds") String vm) {
        assertEquals(vm, Keys.vmOfKey(Keys.vmKey(vm)));
    }

    @Property
    void shouldRoundTripLongAndIntValues(@ForAll long l, @ForAll int i) {
        assertEquals(l, Values.asLong(Values.ofLong(l)));
        assertEquals(i, Values.asInt(Values.ofInt(i)));
    }

    @Property
    void shouldOrderLongValuesNumericallyWhenNonNegative(@ForAll @LongRange(min = 0) long a, @ForAll @LongRange(min = 0) long b) {
        assertEquals(Integer.signum(Long.compare(a, b)),
                Integer.signum(Arrays.compareUnsigned(Values.ofLong(a), Values.ofLong(b))));
    }

    // ----------------------------------------------------------------------------- examples

    @Example
    void shouldEncodeTheDocumentedLayouts() {
        HexFormat hex = HexFormat.of();
        assertEquals("766d2d3100" + "0000000000000102", hex.formatHex(Keys.vmOffsetKey("vm-1", 258)));
        assertEquals("766d2d3100" + "07" + "0000000000000005" + "0003", hex.formatHex(Keys.vmPolicyOffsetKey("vm-1", 7, 5, 3)));
        assertEquals("00000002" + "000000000000000a", hex.formatHex(Keys.partitionOffsetKey(2, 10)));
        assertEquals("766d2d3100", hex.formatHex(Keys.vmPrefix("vm-1")));
        assertEquals("766d2d3101", hex.formatHex(Keys.prefixEnd(Keys.vmPrefix("vm-1"))));
        assertEquals("offset/mtrr-events/3", new String(Keys.metaOffsetKey("mtrr-events", 3), StandardCharsets.UTF_8));
        assertEquals("format-version", new String(Keys.metaFormatVersionKey(), StandardCharsets.UTF_8));
        assertEquals("topic", new String(Keys.metaTopicKey(), StandardCharsets.UTF_8));
    }

    @Example
    void shouldSortVm1BeforeVm10AndKeepTheirKeysApart() {
        byte[] lastOfVm1 = Keys.vmOffsetKey("vm-1", Long.MAX_VALUE);
        byte[] firstOfVm10 = Keys.vmOffsetKey("vm-10", 0);
        assertTrue(Arrays.compareUnsigned(lastOfVm1, firstOfVm10) < 0);
        assertFalse(Keys.startsWith(firstOfVm10, Keys.vmPrefix("vm-1")));
    }

    @Example
    void shouldRejectVmIdWithNulNamingTheId() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.vmOffsetKey("vm\u00001", 0));
        assertTrue(e.getMessage().contains("vm\\x001"), e.getMessage());
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Keys.vmKey("vm\u0000"));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmPrefix("\u0000"));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmPolicyOffsetKey("a\u0000b", 0, 0, 0));
    }

    @Example
    void shouldRejectEmptyOrMalformedVmIds() {
        assertThrows(IllegalArgumentException.class, () -> Keys.vmKey(""));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmKey("vm-\uD800"));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmKey("\uDC00vm"));
        assertThrows(NullPointerException.class, () -> Keys.vmKey(null));
        assertEquals("vm-\uD83D\uDE00", Keys.vmOfKey(Keys.vmKey("vm-\uD83D\uDE00")));
    }

    @Example
    void shouldRejectOutOfRangeNumbers() {
        assertThrows(IllegalArgumentException.class, () -> Keys.vmOffsetKey("vm", -1));
        assertThrows(IllegalArgumentException.class, () -> Keys.partitionOffsetKey(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmPolicyOffsetKey("vm", 256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmPolicyOffsetKey("vm", -1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmPolicyOffsetKey("vm", 0, 0, 65536));
        assertThrows(IllegalArgumentException.class, () -> Keys.metaOffsetKey("a/b", 0));
    }

    @Example
    void shouldRejectMalformedKeysWhenDecoding() {
        assertThrows(IllegalArgumentException.class, () -> Keys.decodeVmOffsetKey(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> Keys.decodeVmOffsetKey(Keys.vmPolicyOffsetKey("vm", 1, 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> Keys.decodeVmPolicyOffsetKey(Keys.vmOffsetKey("vm", 1)));
        assertThrows(IllegalArgumentException.class, () -> Keys.decodePartitionOffsetKey(new byte[11]));
        assertThrows(IllegalArgumentException.class, () -> Values.asLong(new byte[4]));
        assertNull(Keys.prefixEnd(new byte[] {(byte) 0xFF, (byte) 0xFF}));
        assertNull(Keys.prefixEnd(new byte[0]));
    }

    // ----------------------------------------------------------------------------- generators

    @Provide
    Arbitrary<String> vmIds() {
        // Realistic ids that are often prefixes of each other ("vm-1", "vm-10"), plus arbitrary Unicode
        // (without NUL and lone surrogates) including supplementary code points, where UTF-16 order and
        // UTF-8 byte order disagree.
        Arbitrary<String> realistic = Arbitraries.integers().between(0, 120).map(i -> "vm-" + i);
        Arbitrary<String> unicode = Arbitraries.integers()
                .between(1, 0x10FFFF)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
                .list().ofMinSize(1).ofMaxSize(6)
                .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
        Arbitrary<String> lowBytes = Arbitraries.strings().withCharRange('\u0001', '\u0003').ofMinLength(1).ofMaxLength(4);
        return Arbitraries.oneOf(realistic, unicode, lowBytes);
    }

    @Provide
    Arbitrary<Long> offsets() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 300), Arbitraries.longs().greaterOrEqual(0));
    }

    @Provide
    Arbitrary<Integer> tags() {
        return Arbitraries.integers().between(0, Keys.MAX_TAG);
    }

    @Provide
    Arbitrary<Integer> seqs() {
        return Arbitraries.integers().between(0, Keys.MAX_SEQ);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        Arbitrary<Byte> interesting = Arbitraries.of((byte) 0x00, (byte) 0x01, (byte) 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF);
        return Combinators.combine(interesting, Arbitraries.bytes())
                .as((a, b) -> List.of(a, b))
                .flatMap(pair -> Arbitraries.of(pair).list().ofMaxSize(5))
                .map(list -> {
                    byte[] b = new byte[list.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = list.get(i);
                    }
                    return b;
                });
    }

    /** Lexicographic order of code points, which is what UTF-8 byte order gives (unlike compareTo). */
    private static int compareByCodePoint(String a, String b) {
        return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }
}
