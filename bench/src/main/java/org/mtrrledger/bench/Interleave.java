package org.mtrrledger.bench;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON Lines log with its VMs interleaved as on a host: each VM's lines keep their order, and at every step the next
 * line comes from a VM drawn uniformly at random among those with lines left (so the VMs run side by side and the
 * longer ones last longer). {@code Bench gen} writes its fleets this way (after generating them VM after VM); this
 * is what a host's trace of the same VMs looks like to the engine. Deterministic for a seed.
 *
 * <p>The draw: the VMs are listed in order of first appearance; each step takes {@code i =
 * SplittableRandom(seed).nextInt(listed)} and writes VM {@code i}'s next line; a VM whose lines are all written leaves
 * the list by swapping the last VM into its place.
 *
 * <p>Streaming, in two passes over the input, so the 10M fleet (4 GB) interleaves in a small heap: the first pass
 * finds each VM's byte range and line count, which needs every VM's lines contiguous in the input (as
 * {@code BootLogGenerator.write} writes them; anything else is refused naming the file and line); the second draws
 * as above and reads each VM's next line through a buffered cursor of its own over its range (positional reads of
 * one {@link FileChannel}). Memory: the VM table plus one cursor buffer per VM, {@value #CURSOR_BUDGET} bytes
 * shared between them (between {@value #MIN_CURSOR} and {@value #MAX_CURSOR} bytes each; a longer line grows its
 * cursor's buffer). The VM is the first {@code "vm":"..."} of a line (none: the VM ""), compared as written (escapes
 * not decoded). Lines end at {@code \n} (a {@code \r} before it is dropped); output lines end with {@code \n}.
 * {@code java -Xmx1g -cp "bench/target/classes:bench/target/lib/*" org.mtrrledger.bench.Interleave IN OUT [seed]}
 */
final class Interleave {
    private static final Pattern VM = Pattern.compile("\"vm\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    static final int SCAN_BYTES = 1 << 20;
    static final int CURSOR_BUDGET = 64 << 20;
    static final int MIN_CURSOR = 1 << 10;
    static final int MAX_CURSOR = 64 << 10;

    /** What was interleaved: lines written and VMs. */
    record Summary(long lines, int vms) {
    }

    /** One VM's lines in the input: bytes [start, end), its first line number (1-based) and its line count. */
    record VmRange(String vm, long start, long end, long firstLine, long lines) {
    }

    private Interleave() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: Interleave IN.jsonl OUT.jsonl [seed]");
            System.exit(2);
        }
        long seed = args.length == 3 ? Long.parseLong(args[2]) : 7;
        Summary s = interleave(Path.of(args[0]), Path.of(args[1]), seed);
        System.err.printf("interleaved %,d lines of %d VMs into %s%n", s.lines(), s.vms(), args[1]);
    }

    /** Interleaves {@code in} into {@code out} (replaced) with the draw of {@code seed}. */
    static Summary interleave(Path in, Path out, long seed) throws IOException {
        return interleave(in, out, seed, SCAN_BYTES,
                vms -> (int) Math.max(MIN_CURSOR, Math.min(MAX_CURSOR, CURSOR_BUDGET / Math.max(1, vms))));
    }

    /** As above, with the first pass's buffer size and each cursor's initial buffer size given the VM count. */
    static Summary interleave(Path in, Path out, long seed, int scanBytes, IntUnaryOperator cursorBytes)
            throws IOException {
        if (Files.exists(out) && Files.isSameFile(in, out)) {
            throw new IllegalArgumentException("Interleave: input and output are the same file " + in);
        }
        try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
            List<VmRange> ranges = ranges(ch, in, scanBytes);
            int n = ranges.size();
            int bytes = cursorBytes.applyAsInt(n);
            // active[k] is the index of a VM with lines left; the draw picks among active[0..listed).
            int[] active = new int[n];
            LineCursor[] cursors = new LineCursor[n];
            long[] left = new long[n];
            int listed = n;
            for (int v = 0; v < n; v++) {
                VmRange r = ranges.get(v);
                active[v] = v;
                cursors[v] = new LineCursor(ch, r.start(), r.end(), bytes);
                left[v] = r.lines();
            }
            SplittableRandom random = new SplittableRandom(seed);
            long written = 0;
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
                while (listed > 0) {
                    int k = random.nextInt(listed);
                    int v = active[k];
                    LineCursor c = cursors[v];
                    if (!c.next()) {
                        throw new IllegalStateException(in + " changed while interleaving: VM " + ranges.get(v).vm()
                                + " ran out of lines");
                    }
                    o.write(c.buf, c.lineStart, c.lineEnd - c.lineStart);
                    o.write('\n');
                    written++;
                    if (--left[v] == 0) {
                        cursors[v] = null;
                        active[k] = active[--listed];
                    }
                }
            }
            return new Summary(written, n);
        }
    }

    /**
     * The first pass: each VM's byte range and line count, in order of first appearance; refuses a VM whose lines
     * are not contiguous.
     */
    static List<VmRange> ranges(FileChannel ch, Path in, int scanBytes) throws IOException {
        List<VmRange> ranges = new ArrayList<>();
        Map<String, VmRange> seen = new HashMap<>(); // by the VM's bytes as ISO-8859-1: one key per byte string
        LineCursor c = new LineCursor(ch, 0, ch.size(), scanBytes);
        Latin1 chars = new Latin1();
        Matcher m = VM.matcher("");
        byte[] current = null; // the VM of the range being read, as its bytes in the file
        String currentVm = null;
        long start = 0;
        long firstLine = 0;
        long line = 0;
        for (long at = c.offset(); c.next(); at = c.offset()) {
            line++;
            chars.of(c.buf, c.lineStart, c.lineEnd);
            int from = c.lineEnd;
            int to = c.lineEnd;
            if (m.reset(chars).find()) {
                from = c.lineStart + m.start(1);
                to = c.lineStart + m.end(1);
            }
            if (current != null && Arrays.equals(c.buf, from, to, current, 0, current.length)) {
                continue;
            }
            if (current != null) {
                VmRange r = new VmRange(currentVm, start, at, firstLine, line - firstLine);
                ranges.add(r);
                seen.put(new String(current, StandardCharsets.ISO_8859_1), r);
            }
            current = Arrays.copyOfRange(c.buf, from, to);
            currentVm = new String(current, StandardCharsets.UTF_8);
            VmRange before = seen.get(new String(current, StandardCharsets.ISO_8859_1));
            if (before != null) {
                throw new IllegalArgumentException(String.format(
                        "%s:%d: VM \"%s\" again after other VMs' lines (its lines %d-%d came before); Interleave"
                                + " needs each VM's lines contiguous, as Bench gen --layout vm-after-vm writes them",
                        in, line, currentVm, before.firstLine(), before.firstLine() + before.lines() - 1));
            }
            start = at;
            firstLine = line;
        }
        if (current != null) {
            ranges.add(new VmRange(currentVm, start, c.offset(), firstLine, line + 1 - firstLine));
        }
        return ranges;
    }

    /**
     * A buffered line reader over bytes [from, to) of a channel, by positional reads (so that many cursors share one
     * channel). After {@link #next()} returns true the line is {@code buf[lineStart, lineEnd)}, without its line end.
     */
    static final class LineCursor {
        private final FileChannel ch;
        private final long to;
        private long filePos; // file position of buf[limit]
        private int pos;
        private int limit;
        byte[] buf;
        int lineStart;
        int lineEnd;

        LineCursor(FileChannel ch, long from, long to, int bytes) {
            this.ch = ch;
            this.to = to;
            this.filePos = from;
            this.buf = new byte[Math.max(1, bytes)];
        }

        /** File position of the next line (or of {@code to} when there is none). */
        long offset() {
            return filePos - limit + pos;
        }

        boolean next() throws IOException {
            int scanned = pos;
            while (true) {
                for (int i = scanned; i < limit; i++) {
                    if (buf[i] == '\n') {
                        take(i, i + 1);
                        return true;
                    }
                }
                if (filePos >= to) {
                    if (pos < limit) { // a last line without its \n
                        take(limit, limit);
                        return true;
                    }
                    return false;
                }
                scanned = limit - pos;
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, limit - pos);
                    limit -= pos;
                    pos = 0;
                } else if (limit == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int want = (int) Math.min(buf.length - limit, to - filePos);
                int got = ch.read(ByteBuffer.wrap(buf, limit, want), filePos);
                if (got < 0) {
                    throw new EOFException("file ended at " + filePos + ", before " + to + " (changed while read?)");
                }
                filePos += got;
                limit += got;
            }
        }

        private void take(int end, int next) {
            lineStart = pos;
            lineEnd = end > pos && buf[end - 1] == '\r' ? end - 1 : end;
            pos = next;
        }
    }

    /**
     * Bytes seen as ISO-8859-1 chars, without copying: the VM pattern is ASCII and a UTF-8 multi-byte sequence holds
     * no ASCII byte, so its match on these chars has the same bounds, in bytes, as on the decoded line.
     */
    private static final class Latin1 implements CharSequence {
        private byte[] b;
        private int from;
        private int to;

        Latin1 of(byte[] bytes, int start, int end) {
            b = bytes;
            from = start;
            to = end;
            return this;
        }

        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            return (char) (b[from + index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Latin1().of(b, from + start, from + end);
        }

        @Override
        public String toString() {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }
}
