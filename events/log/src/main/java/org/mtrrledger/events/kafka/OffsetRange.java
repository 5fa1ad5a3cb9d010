package org.mtrrledger.events.kafka;

/**
 * Where one file's records landed in one partition.
 *
 * @param first  offset of the first record written
 * @param last   offset of the last record written
 * @param count  number of records written; equals {@code last - first + 1} unless another producer wrote to
 *               the same partition concurrently
 */
public record OffsetRange(long first, long last, long count) {

    public OffsetRange {
        if (first < 0 || last < first || count < 1) {
            throw new IllegalArgumentException("bad offset range first=" + first + " last=" + last + " count=" + count);
        }
    }
}
