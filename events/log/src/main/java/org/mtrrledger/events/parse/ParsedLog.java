package org.mtrrledger.events.parse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.model.EventKind;

/**
 * One lazy parse of one file: reads a line only when the next event is asked for, so a file of millions of lines
 * never sits in memory. Iterate once (via {@link #iterator()} or {@link #events()}), then read {@link #stats()} and
 * {@link #rejected()}. Close it to release the file.
 */
public final class ParsedLog implements Iterable<MtrrEvent>, AutoCloseable {
    private final String fileName;
    private final Lines reader;
    private final LineDecoder decoder;
    private final BadLinePolicy policy;
    private final ParseStats stats = new ParseStats();
    private final List<RejectedLine> rejected = new ArrayList<>();
    private final EventIterator iterator = new EventIterator();
    private boolean iterated;

    ParsedLog(String fileName, Lines reader, DecoderFactory decoders, ParseOptions options) {
        this.fileName = fileName;
        this.reader = reader;
        this.decoder = decoders.create(fileName, options, stats);
        this.policy = options.policy();
    }

    /** Where a parse reads its lines: a file ({@link Utf8Lines}), or text already open as a {@link Reader}. */
    interface Lines extends java.io.Closeable {
        /**
         * The next line without its line end, or null at the end.
         *
         * @throws LineTooLong for a line of more than {@link LogParser#MAX_LINE_BYTES} bytes of UTF-8, which is then
         *                     read past: the next call reads the next line
         */
        String readLine() throws IOException, LineTooLong;

        /** The lines of a UTF-8 file, each malformed sequence read as {@code replacement} ({@link Utf8Lines}). */
        static Lines of(Path file, String replacement) throws IOException {
            return new Utf8Lines(Files.newInputStream(file), replacement);
        }

        /**
         * The lines of {@code text}, held to the same limit as a file's. A reader holds each line in full before it
         * is measured, so only a file read by {@link Utf8Lines} keeps memory bounded whatever its lines.
         */
        static Lines of(Reader text) {
            BufferedReader reader = text instanceof BufferedReader b ? b : new BufferedReader(text, 1 << 16);
            return new Lines() {
                @Override
                public String readLine() throws IOException, LineTooLong {
                    String line = reader.readLine();
                    long bytes = line == null || line.length() <= LogParser.MAX_LINE_BYTES / 3 ? 0 : utf8Length(line);
                    if (bytes > LogParser.MAX_LINE_BYTES) {
                        int shown = Math.min(line.length(), Utf8Lines.SHOWN_BYTES);
                        throw new LineTooLong(bytes, LogParser.MAX_LINE_BYTES, line.substring(0,
                                Character.isHighSurrogate(line.charAt(shown - 1)) ? shown - 1 : shown));
                    }
                    return line;
                }

                @Override
                public void close() throws IOException {
                    reader.close();
                }
            };
        }

        /** Bytes of {@code s} in UTF-8: a surrogate pair is 4 (an unpaired one, which has no UTF-8 form, counts 2). */
        private static long utf8Length(String s) {
            long n = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                n += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
            }
            return n;
        }
    }

    /**
     * A line longer than the limit, read past without keeping it: a bad line like any other (it fails the parse under
     * {@link BadLinePolicy#FAIL}, and is counted and reported under {@link BadLinePolicy#SKIP}), shown by its start.
     * Stackless: a file of such lines read under SKIP may throw many.
     */
    static final class LineTooLong extends Exception {
        private static final long serialVersionUID = 1L;

        /** The start of the line, as text. */
        final String shown;

        LineTooLong(long bytes, int limit, String shown) {
            super("line of " + bytes + " bytes exceeds the limit of " + limit + " bytes (only its start is shown)",
                    null, false, false);
            this.shown = shown;
        }
    }

    /** Factory so decoders can be wired to this run's stats (thread mappings, skipped-kind details). */
    @FunctionalInterface
    interface DecoderFactory {
        LineDecoder create(String fileName, ParseOptions options, ParseStats stats);
    }

    /** The events, lazily; single use. Closing the stream closes the file. */
    public Stream<MtrrEvent> events() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    @Override
    public Iterator<MtrrEvent> iterator() {
        if (iterated) {
            throw new IllegalStateException("a ParsedLog can be iterated only once");
        }
        iterated = true;
        return iterator;
    }

    /** Reads everything (convenience for small files and tests). */
    public List<MtrrEvent> readAll() {
        List<MtrrEvent> all = new ArrayList<>();
        iterator().forEachRemaining(all::add);
        return all;
    }

    public ParseStats stats() {
        return stats;
    }

    /** Lines refused under {@link BadLinePolicy#SKIP}, in file order. */
    public List<RejectedLine> rejected() {
        return Collections.unmodifiableList(rejected);
    }

    public String fileName() {
        return fileName;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class EventIterator implements Iterator<MtrrEvent> {
        private MtrrEvent next;
        private long lineNo;
        private boolean eof;

        @Override
        public boolean hasNext() {
            while (next == null && !eof) {
                String line;
                LineResult tooLong = null;
                try {
                    line = readLine();
                } catch (LineTooLong e) {
                    line = lineNo == 0 ? LogFormat.withoutBom(e.shown) : e.shown;
                    tooLong = new LineResult.Reject(e.getMessage());
                }
                if (line == null) {
                    eof = true;
                    break;
                }
                lineNo++;
                stats.countLine();
                handle(line, tooLong != null ? tooLong : decoder.decode(line));
            }
            return next != null;
        }

        @Override
        public MtrrEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            MtrrEvent event = next;
            next = null;
            return event;
        }

        private void handle(String line, LineResult result) {
            if (result instanceof LineResult.Emit emit) {
                MtrrEvent event = emit.event();
                event.setSource(new FilePosition(fileName, lineNo));
                stats.countEvent(EventKind.of(event));
                next = event;
            } else if (result instanceof LineResult.Skip skip) {
                stats.countSkip(skip.kind());
            } else if (result instanceof LineResult.Refuse refuse) {
                eof = true;
                throw new LogParseException(new RejectedLine(fileName, lineNo, line, refuse.reason()));
            } else {
                RejectedLine bad = new RejectedLine(fileName, lineNo, line, ((LineResult.Reject) result).reason());
                if (policy == BadLinePolicy.FAIL) {
                    eof = true;
                    throw new LogParseException(bad);
                }
                stats.countRejected();
                rejected.add(bad);
            }
        }

        private String readLine() throws LineTooLong {
            try {
                return lineNo == 0 ? LogFormat.withoutBom(reader.readLine()) : reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(fileName + ":" + (lineNo + 1) + ": read failed", e);
            }
        }
    }
}
