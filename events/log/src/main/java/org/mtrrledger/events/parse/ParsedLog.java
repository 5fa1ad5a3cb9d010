package org.mtrrledger.events.parse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    ParsedLog(String fileName, BufferedReader reader, DecoderFactory decoders, ParseOptions options) {
        this(fileName, new Lines() {
            @Override
            public String readLine() throws IOException {
                return reader.readLine();
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        }, decoders, options);
    }

    ParsedLog(String fileName, Lines reader, DecoderFactory decoders, ParseOptions options) {
        this.fileName = fileName;
        this.reader = reader;
        this.decoder = decoders.create(fileName, options, stats);
        this.policy = options.policy();
    }

    /** Where a parse reads its lines: a {@link BufferedReader}, or {@link Utf8Lines} for a file. */
    interface Lines extends java.io.Closeable {
        /** The next line without its line end, or null at the end. */
        String readLine() throws IOException;
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
                String line = readLine();
                if (line == null) {
                    eof = true;
                    break;
                }
                lineNo++;
                stats.countLine();
                handle(line, decoder.decode(line));
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

        private String readLine() {
            try {
                return lineNo == 0 ? LogFormat.withoutBom(reader.readLine()) : reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(fileName + ":" + (lineNo + 1) + ": read failed", e);
            }
        }
    }
}
