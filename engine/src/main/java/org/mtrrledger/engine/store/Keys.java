package org.mtrrledger.engine.store;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.mtrrledger.events.codec.BigEndian;

/**
 * Encoders and decoders for the key layouts documented on {@link Column}.
 *
 * <p>The invariant all of them keep: comparing two encoded keys as unsigned byte strings (RocksDB's
 * default comparator) gives the same answer as comparing their components in order, VM ids by their
 * UTF-8 bytes (equivalently, by code point) and numbers numerically. Numbers are therefore fixed-width
 * big-endian and must be non-negative; VM ids must not contain NUL, which is the separator that keeps
 * one VM's keys from interleaving with those of a VM whose id extends it ("vm-1" / "vm-10").
 * Invalid components are rejected with {@link IllegalArgumentException} naming the bad value, never
 * silently encoded into a key that would sort wrongly.
 */
final class Keys {

    /** Separates the VM id from the rest of a VM-keyed key. */
    public static final byte SEPARATOR = 0x00;
    /** Largest policy id (one unsigned byte). */
    public static final int MAX_TAG = 0xFF;

    private static final int OFFSET_BYTES = Long.BYTES;
    private static final int PARTITION_BYTES = Integer.BYTES;
    private static final int TAG_BYTES = 1;

    private Keys() {}

    /** A decoded {@code vmId 0x00 offset} key ({@link Column#CHECKPOINTS}, {@link Column#EVENTS}). */
    public record VmOffset(String vm, long offset) {}

    /** A decoded {@code vmId 0x00 policy offset} key (every {@link OutputTable}). */
    public record VmPolicyOffset(String vm, int policy, long offset) {}

    /** A decoded {@code partition offset} key ({@link Column#SKIPPED}). */
    public record PartitionOffset(int partition, long offset) {}

    // ---------------------------------------------------------------- META

    /**
     * {@code "offset/<topic>/<partition>"}: where the next offset to consume is stored.
     *
     * @throws IllegalArgumentException if the topic is empty or contains '/', or partition &lt; 0
     */
    public static byte[] metaOffsetKey(String topic, int partition) {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty() || topic.indexOf('/') >= 0) {
            throw new IllegalArgumentException("topic must be non-empty and contain no '/': \"" + topic + "\"");
        }
        checkPartition(partition);
        return utf8("offset/" + topic + "/" + partition);
    }

    /** {@code "offset/<topic>/"}: the prefix of every partition's {@link #metaOffsetKey} of {@code topic}. */
    public static byte[] metaOffsetPrefix(String topic) {
        byte[] one = metaOffsetKey(topic, 0);
        return Arrays.copyOf(one, one.length - 1);
    }

    /** The partition of a {@link #metaOffsetKey} whose {@link #metaOffsetPrefix} is {@code prefixLength} long. */
    static int partitionOfMetaOffsetKey(byte[] key, int prefixLength) {
        String p = new String(key, prefixLength, key.length - prefixLength, StandardCharsets.UTF_8);
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new CorruptValueException("offset key " + hex(key), e);
        }
    }

    /** {@code "format-version"}: the store layout version, see {@link LedgerStore#FORMAT_VERSION}. */
    public static byte[] metaFormatVersionKey() {
        return utf8("format-version");
    }

    /** {@code "topic"}: the topic this store folds. */
    public static byte[] metaTopicKey() {
        return utf8("topic");
    }

    // ---------------------------------------------------------------- VM-keyed

    /** The {@link Column#VM_STATE} key: the VM id in UTF-8. */
    public static byte[] vmKey(String vm) {
        return vmBytes(vm);
    }

    /** {@code vmId 0x00}: the prefix of every key of this VM in the VM-keyed families. */
    public static byte[] vmPrefix(String vm) {
        byte[] id = vmBytes(vm);
        return Arrays.copyOf(id, id.length + 1); // trailing byte is SEPARATOR (0)
    }

    /** {@code vmId 0x00 offset(8B BE)} for {@link Column#CHECKPOINTS} and {@link Column#EVENTS}. */
    public static byte[] vmOffsetKey(String vm, long offset) {
        checkOffset(offset);
        return vmOffsetKey(vmBytes(vm), offset);
    }

    /** {@link #vmOffsetKey(String, long)} of an id already checked and encoded ({@link VmKeys}). */
    static byte[] vmOffsetKey(byte[] id, long offset) {
        checkOffset(offset);
        byte[] key = new byte[id.length + 1 + OFFSET_BYTES];
        System.arraycopy(id, 0, key, 0, id.length);
        BigEndian.putLong(key, id.length + 1, offset);
        return key;
    }

    /** {@code vmId 0x00 policy(1B)}: prefix of one VM's records under one policy. */
    public static byte[] vmPolicyPrefix(String vm, int policy) {
        checkTag(policy, "policy");
        byte[] id = vmBytes(vm);
        byte[] key = new byte[id.length + 1 + TAG_BYTES];
        System.arraycopy(id, 0, key, 0, id.length);
        key[id.length + 1] = (byte) policy;
        return key;
    }

    /** {@code vmId 0x00 policy(1B) offset(8B BE)} for every {@link OutputTable}. */
    public static byte[] vmPolicyOffsetKey(String vm, int policy, long offset) {
        return vmPolicyOffsetKey(vmBytes(vm), policy, offset);
    }

    /** {@link #vmPolicyOffsetKey(String, int, long)} of an id already checked and encoded ({@link VmKeys}). */
    static byte[] vmPolicyOffsetKey(byte[] id, int policy, long offset) {
        checkTag(policy, "policy");
        checkOffset(offset);
        byte[] key = new byte[id.length + 1 + TAG_BYTES + OFFSET_BYTES];
        int i = id.length;
        System.arraycopy(id, 0, key, 0, i);
        key[i + 1] = (byte) policy;
        BigEndian.putLong(key, i + 2, offset);
        return key;
    }

    // ---------------------------------------------------------------- partition-keyed

    /** {@code partition(4B BE)}: prefix of one partition's keys in {@link Column#SKIPPED}. */
    public static byte[] partitionPrefix(int partition) {
        checkPartition(partition);
        byte[] prefix = new byte[PARTITION_BYTES];
        BigEndian.putInt(prefix, 0, partition);
        return prefix;
    }

    /** {@code partition(4B BE) offset(8B BE)} for {@link Column#SKIPPED}. */
    public static byte[] partitionOffsetKey(int partition, long offset) {
        checkPartition(partition);
        checkOffset(offset);
        byte[] key = new byte[PARTITION_BYTES + OFFSET_BYTES];
        BigEndian.putInt(key, 0, partition);
        BigEndian.putLong(key, PARTITION_BYTES, offset);
        return key;
    }

    // ---------------------------------------------------------------- decoders

    /** The VM id of a {@link Column#VM_STATE} key. */
    public static String vmOfKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        String vm = decodeUtf8(key, 0, key.length);
        checkVm(vm);
        return vm;
    }

    /** Decodes {@link #vmOffsetKey}. */
    public static VmOffset decodeVmOffsetKey(byte[] key) {
        int sep = separatorIndex(key, OFFSET_BYTES);
        return new VmOffset(decodeUtf8(key, 0, sep), BigEndian.getLong(key, sep + 1));
    }

    /** Decodes {@link #vmPolicyOffsetKey}. */
    public static VmPolicyOffset decodeVmPolicyOffsetKey(byte[] key) {
        int sep = separatorIndex(key, TAG_BYTES + OFFSET_BYTES);
        return new VmPolicyOffset(decodeUtf8(key, 0, sep), Byte.toUnsignedInt(key[sep + 1]),
                BigEndian.getLong(key, sep + 2));
    }

    /** Decodes {@link #partitionOffsetKey}. */
    public static PartitionOffset decodePartitionOffsetKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != PARTITION_BYTES + OFFSET_BYTES) {
            throw new IllegalArgumentException("not a partition/offset key (want 12 bytes): " + hex(key));
        }
        return new PartitionOffset(BigEndian.getInt(key, 0), BigEndian.getLong(key, PARTITION_BYTES));
    }

    // ---------------------------------------------------------------- ranges

    /**
     * The smallest key greater than every key that starts with {@code prefix}, i.e. the exclusive upper
     * bound of a prefix scan, or {@code null} if there is none (empty prefix or all bytes 0xFF).
     */
    public static byte[] prefixEnd(byte[] prefix) {
        Objects.requireNonNull(prefix, "prefix");
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }

    /** Whether {@code key} starts with {@code prefix}. */
    public static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    // ---------------------------------------------------------------- internals

    /** Validates a VM id and returns its UTF-8 bytes. */
    static byte[] vmBytes(String vm) {
        checkVm(vm);
        return vm.getBytes(StandardCharsets.UTF_8);
    }

    private static void checkVm(String vm) {
        Objects.requireNonNull(vm, "vm id");
        if (vm.isEmpty()) {
            throw new IllegalArgumentException("VM id must not be empty");
        }
        for (int i = 0; i < vm.length(); i++) {
            char c = vm.charAt(i);
            if (c == '\0') {
                throw new IllegalArgumentException("VM id must not contain NUL (0x00, the key separator): \""
                        + printable(vm) + "\" has one at index " + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < vm.length() && Character.isLowSurrogate(vm.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                // String.getBytes would turn it into '?', silently merging distinct ids into one key.
                throw new IllegalArgumentException("VM id is not valid Unicode (lone surrogate at index " + i
                        + "): \"" + printable(vm) + "\"");
            }
        }
    }

    private static void checkOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0 (big-endian order = numeric order only then): " + offset);
        }
    }

    private static void checkPartition(int partition) {
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + partition);
        }
    }

    private static void checkTag(int tag, String what) {
        if (tag < 0 || tag > MAX_TAG) {
            throw new IllegalArgumentException(what + " must be in [0, " + MAX_TAG + "]: " + tag);
        }
    }

    /** Index of the separator of a VM-keyed key whose suffix after it is {@code tailBytes} long. */
    private static int separatorIndex(byte[] key, int tailBytes) {
        Objects.requireNonNull(key, "key");
        int sep = key.length - 1 - tailBytes;
        if (sep < 1 || key[sep] != SEPARATOR) {
            throw new IllegalArgumentException("not a VM key with a " + tailBytes + "-byte suffix: " + hex(key));
        }
        for (int i = 0; i < sep; i++) {
            if (key[i] == SEPARATOR) {
                throw new IllegalArgumentException("not a VM key with a " + tailBytes + "-byte suffix: " + hex(key));
            }
        }
        return sep;
    }

    private static String decodeUtf8(byte[] b, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, from, to - from))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("VM id in key is not valid UTF-8: " + hex(b), e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String printable(String s) {
        return org.mtrrledger.events.parse.Printable.escape(s, 256);
    }

    static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
