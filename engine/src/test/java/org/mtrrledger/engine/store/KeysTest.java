package org.mtrrledger.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.testing.Gens;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Properties of the key encodings: byte order equals component order, encodings round-trip, and one
 * VM's keys never fall inside another VM's prefix.
 */
class KeysTest {

    /** The components of a policy key. */
    record PolicyKey(String vm, int policy, long offset) {
        byte[] encode() {
            return Keys.vmPolicyOffsetKey(vm, policy, offset);
        }
    }

    // ----------------------------------------------------------------------------- ordering

    @Test
    void shouldOrderVmOffsetKeysByVmThenOffset() {
        qt().forAll(vmIds(), offsets(), vmIds(), offsets()).checkAssert((vmA, offA, vmB, offB) -> {
            int expected = vmA.equals(vmB) ? Long.compare(offA, offB) : compareByCodePoint(vmA, vmB);
            int actual = Arrays.compareUnsigned(Keys.vmOffsetKey(vmA, offA), Keys.vmOffsetKey(vmB, offB));
            assertEquals(Integer.signum(expected), Integer.signum(actual));
        });
    }

    @Test
    void shouldOrderVmPolicyKeysByVmPolicyOffset() {
        qt().forAll(policyKeys(), policyKeys()).checkAssert((a, b) -> {
            int expected = compareByCodePoint(a.vm(), b.vm());
            if (expected == 0) {
                expected = Integer.compare(a.policy(), b.policy());
            }
            if (expected == 0) {
                expected = Long.compare(a.offset(), b.offset());
            }
            assertEquals(Integer.signum(expected), Integer.signum(Arrays.compareUnsigned(a.encode(), b.encode())));
        });
    }

    @Test
    void shouldOrderKeysOfOneVmByPolicyOffset() {
        // The cross-VM properties rarely draw the same VM twice; this pins the within-VM order.
        qt().forAll(policyKeys(), offsets()).checkAssert((a, offB) -> {
            assertEquals(Integer.signum(Long.compare(a.offset(), offB)), Integer.signum(Arrays.compareUnsigned(
                    Keys.vmOffsetKey(a.vm(), a.offset()), Keys.vmOffsetKey(a.vm(), offB))));
            assertEquals(Integer.signum(Long.compare(a.offset(), offB)), Integer.signum(Arrays.compareUnsigned(
                    a.encode(), new PolicyKey(a.vm(), a.policy(), offB).encode())));
        });
    }

    @Test
    void shouldOrderPartitionOffsetKeysByPartitionThenOffset() {
        qt().forAll(partitions(), offsets(), partitions(), offsets()).checkAssert((pA, oA, pB, oB) -> {
            int expected = !pA.equals(pB) ? Integer.compare(pA, pB) : Long.compare(oA, oB);
            int actual = Arrays.compareUnsigned(Keys.partitionOffsetKey(pA, oA), Keys.partitionOffsetKey(pB, oB));
            assertEquals(Integer.signum(expected), Integer.signum(actual));
        });
    }

    @Test
    void shouldOrderVmStateKeysByCodePoint() {
        qt().forAll(vmIds(), vmIds()).checkAssert((a, b) -> assertEquals(Integer.signum(compareByCodePoint(a, b)),
                Integer.signum(Arrays.compareUnsigned(Keys.vmKey(a), Keys.vmKey(b)))));
    }

    // ----------------------------------------------------------------------------- prefixes

    @Test
    void shouldKeepEveryKeyOfAnotherVmOutsideTheVmPrefixRange() {
        qt().forAll(vmIds(), policyKeys()).checkAssert((vm, other) -> {
            byte[] prefix = Keys.vmPrefix(vm);
            byte[] end = Keys.prefixEnd(prefix);
            for (byte[] key : List.of(Keys.vmOffsetKey(other.vm(), other.offset()), other.encode())) {
                boolean inRange = Arrays.compareUnsigned(key, prefix) >= 0 && Arrays.compareUnsigned(key, end) < 0;
                assertEquals(vm.equals(other.vm()), Keys.startsWith(key, prefix));
                assertEquals(vm.equals(other.vm()), inRange);
            }
        });
    }

    @Test
    void shouldBoundExactlyTheKeysWithThePrefix() {
        qt().forAll(bytes(), bytes()).checkAssert((prefix, key) -> {
            byte[] end = Keys.prefixEnd(prefix);
            boolean inRange = Arrays.compareUnsigned(key, prefix) >= 0
                    && (end == null || Arrays.compareUnsigned(key, end) < 0);
            assertEquals(Keys.startsWith(key, prefix), inRange);
        });
    }

    @Test
    void shouldBoundPolicyKeysByPolicyPrefix() {
        qt().forAll(tags(), policyKeys()).checkAssert((policy, key) -> {
            assertEquals(policy == key.policy(), Keys.startsWith(key.encode(), Keys.vmPolicyPrefix(key.vm(), policy)));
            assertTrue(Keys.startsWith(key.encode(), Keys.vmPrefix(key.vm())));
        });
    }

    // ----------------------------------------------------------------------------- round trips

    @Test
    void shouldRoundTripVmOffsetKeys() {
        qt().forAll(vmIds(), offsets()).checkAssert((vm, offset) ->
                assertEquals(new Keys.VmOffset(vm, offset), Keys.decodeVmOffsetKey(Keys.vmOffsetKey(vm, offset))));
    }

    @Test
    void shouldRoundTripVmPolicyKeys() {
        qt().forAll(policyKeys()).checkAssert(k -> {
            assertEquals(new Keys.VmPolicyOffset(k.vm(), k.policy(), k.offset()),
                    Keys.decodeVmPolicyOffsetKey(k.encode()));
        });
    }

    @Test
    void shouldRoundTripPartitionOffsetKeys() {
        qt().forAll(partitions(), offsets()).checkAssert((partition, offset) -> {
            assertEquals(new Keys.PartitionOffset(partition, offset),
                    Keys.decodePartitionOffsetKey(Keys.partitionOffsetKey(partition, offset)));
            assertTrue(Keys.startsWith(Keys.partitionOffsetKey(partition, offset), Keys.partitionPrefix(partition)));
        });
    }

    @Test
    void shouldRoundTripVmStateKeys() {
        qt().forAll(vmIds()).checkAssert(vm -> assertEquals(vm, Keys.vmOfKey(Keys.vmKey(vm))));
    }

    @Test
    void shouldRoundTripLongValues() {
        qt().forAll(Gens.anyLong()).checkAssert(l -> assertEquals(l, Values.asLong(Values.ofLong(l))));
    }

    @Test
    void shouldOrderLongValuesNumericallyWhenNonNegative() {
        qt().forAll(Gens.longsIn(0, Long.MAX_VALUE), Gens.longsIn(0, Long.MAX_VALUE)).checkAssert((a, b) ->
                assertEquals(Integer.signum(Long.compare(a, b)),
                        Integer.signum(Arrays.compareUnsigned(Values.ofLong(a), Values.ofLong(b)))));
    }

    // ----------------------------------------------------------------------------- examples

    @Test
    void shouldEncodeTheDocumentedLayouts() {
        HexFormat hex = HexFormat.of();
        assertEquals("766d2d3100" + "0000000000000102", hex.formatHex(Keys.vmOffsetKey("vm-1", 258)));
        assertEquals("766d2d3100" + "07" + "0000000000000005", hex.formatHex(Keys.vmPolicyOffsetKey("vm-1", 7, 5)));
        assertEquals("00000002" + "000000000000000a", hex.formatHex(Keys.partitionOffsetKey(2, 10)));
        assertEquals("766d2d3100", hex.formatHex(Keys.vmPrefix("vm-1")));
        assertEquals("766d2d3101", hex.formatHex(Keys.prefixEnd(Keys.vmPrefix("vm-1"))));
        assertEquals("offset/mtrr-events/3", new String(Keys.metaOffsetKey("mtrr-events", 3), StandardCharsets.UTF_8));
        assertEquals("format-version", new String(Keys.metaFormatVersionKey(), StandardCharsets.UTF_8));
        assertEquals("topic", new String(Keys.metaTopicKey(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldSortVm1BeforeVm10AndKeepTheirKeysApart() {
        byte[] lastOfVm1 = Keys.vmOffsetKey("vm-1", Long.MAX_VALUE);
        byte[] firstOfVm10 = Keys.vmOffsetKey("vm-10", 0);
        assertTrue(Arrays.compareUnsigned(lastOfVm1, firstOfVm10) < 0);
        assertFalse(Keys.startsWith(firstOfVm10, Keys.vmPrefix("vm-1")));
    }

    @Test
    void shouldRejectVmIdWithNulNamingTheId() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.vmOffsetKey("vm\u00001", 0));
        assertTrue(e.getMessage().contains("vm\\x001"), e.getMessage());
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Keys.vmKey("vm\u0000"));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmPrefix("\u0000"));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmPolicyOffsetKey("a\u0000b", 0, 0));
    }

    @Test
    void shouldRejectEmptyOrMalformedVmIds() {
        assertThrows(IllegalArgumentException.class, () -> Keys.vmKey(""));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmKey("vm-\uD800"));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmKey("\uDC00vm"));
        assertThrows(NullPointerException.class, () -> Keys.vmKey(null));
        assertEquals("vm-\uD83D\uDE00", Keys.vmOfKey(Keys.vmKey("vm-\uD83D\uDE00")));
    }

    @Test
    void shouldRejectOutOfRangeNumbers() {
        assertThrows(IllegalArgumentException.class, () -> Keys.vmOffsetKey("vm", -1));
        assertThrows(IllegalArgumentException.class, () -> Keys.partitionOffsetKey(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmPolicyOffsetKey("vm", 256, 0));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmPolicyOffsetKey("vm", -1, 0));
        assertThrows(IllegalArgumentException.class, () -> Keys.vmPolicyOffsetKey("vm", 0, -1));
        assertThrows(IllegalArgumentException.class, () -> Keys.metaOffsetKey("a/b", 0));
    }

    @Test
    void shouldRejectMalformedKeysWhenDecoding() {
        assertThrows(IllegalArgumentException.class, () -> Keys.decodeVmOffsetKey(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> Keys.decodeVmOffsetKey(Keys.vmPolicyOffsetKey("vm", 1, 2)));
        assertThrows(IllegalArgumentException.class, () -> Keys.decodeVmPolicyOffsetKey(Keys.vmOffsetKey("vm", 1)));
        assertThrows(IllegalArgumentException.class, () -> Keys.decodePartitionOffsetKey(new byte[11]));
        assertThrows(IllegalArgumentException.class, () -> Values.asLong(new byte[4]));
        assertNull(Keys.prefixEnd(new byte[] {(byte) 0xFF, (byte) 0xFF}));
        assertNull(Keys.prefixEnd(new byte[0]));
    }

    // ----------------------------------------------------------------------------- generators

    static Gen<String> vmIds() {
        // Realistic ids that are often prefixes of each other ("vm-1", "vm-10"), plus arbitrary Unicode
        // (without NUL and lone surrogates) including supplementary code points, where UTF-16 order and
        // UTF-8 byte order disagree.
        Gen<String> realistic = integers().between(0, 120).map(i -> "vm-" + i);
        Gen<String> unicode = lists().of(integers().between(1, 0x10FFFF)
                        .assuming(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE))
                .ofSizeBetween(1, 6)
                .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
        Gen<String> lowBytes = Gens.over("\u0001\u0002\u0003", 1, 4);
        return Generate.oneOf(realistic, unicode, lowBytes);
    }

    static Gen<Long> offsets() {
        return Generate.oneOf(longs().between(0, 300), Gens.longsIn(0, Long.MAX_VALUE));
    }

    static Gen<Integer> partitions() {
        return Gens.intsIn(0, Integer.MAX_VALUE);
    }

    static Gen<Integer> tags() {
        return integers().between(0, Keys.MAX_TAG);
    }

    static Gen<PolicyKey> policyKeys() {
        return vmIds().zip(tags(), offsets(), PolicyKey::new);
    }

    /** Up to 5 bytes drawn from two values, one of them an edge of the byte order, so prefixes often match. */
    static Gen<byte[]> bytes() {
        Gen<Byte> interesting = arbitrary().pick((byte) 0x00, (byte) 0x01, (byte) 0x7F, (byte) 0x80, (byte) 0xFE,
                (byte) 0xFF);
        return interesting.zip(Gens.anyByte(), List::of).flatMap(pair -> Gens.byteArrays(arbitrary().pick(pair), 5));
    }

    /** Lexicographic order of code points, which is what UTF-8 byte order gives (unlike compareTo). */
    private static int compareByCodePoint(String a, String b) {
        return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }
}
