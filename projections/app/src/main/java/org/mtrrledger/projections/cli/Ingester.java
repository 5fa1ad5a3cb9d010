package org.mtrrledger.projections.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.mtrrledger.broker.KafkaEndpoint;
import org.mtrrledger.events.kafka.EncodedEvents;
import org.mtrrledger.events.kafka.EventPublisher;
import org.mtrrledger.events.kafka.IngestDigest;
import org.mtrrledger.events.kafka.IngestFailedException;
import org.mtrrledger.events.kafka.KeyedRecord;
import org.mtrrledger.events.kafka.PrefetchingRecords;
import org.mtrrledger.events.kafka.PublishOutcome;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.events.parse.BadLinePolicy;
import org.mtrrledger.events.parse.LogFormat;
import org.mtrrledger.events.parse.LogParseException;
import org.mtrrledger.events.parse.LogParser;
import org.mtrrledger.events.parse.ParseOptions;
import org.mtrrledger.events.parse.ParseStats;
import org.mtrrledger.events.parse.ParsedLog;
import org.mtrrledger.events.parse.RejectedLine;
import org.mtrrledger.events.parse.SkipKind;
import org.mtrrledger.events.parse.ThreadMapping;

/**
 * Parses, validates and publishes files, one Kafka transaction per file: a file that fails half way leaves nothing
 * visible to read_committed consumers, and a file published before (same SHA-256) is not published again.
 */
final class Ingester {
    private final KafkaEndpoint endpoint;
    private final String topic;
    private final PrintStream out;
    private final Duration brokerTimeout;
    private final PrintStream err;

    Ingester(KafkaEndpoint endpoint, String topic, int partitions, Duration brokerTimeout, PrintStream out,
            PrintStream err) {
        this.endpoint = endpoint;
        this.brokerTimeout = brokerTimeout;
        this.topic = topic;
        this.out = out;
        this.err = err;
        TopicAdmin.ensureTopic(endpoint.bootstrap(), topic, partitions);
        TopicAdmin.ensureIngestLedger(endpoint.bootstrap(), TopicAdmin.ledgerTopicOf(topic));
    }

    /** Totals over the files of one command. */
    static final class Totals {
        long published;
        long alreadyIngested;
        final Map<String, Long> byVm = new TreeMap<>();
        final Map<String, Long> byType = new TreeMap<>();
    }

    Totals ingest(IngestOptions o) {
        Totals totals = new Totals();
        try (EventPublisher publisher = new EventPublisher(endpoint.bootstrap(), topic,
                EventPublisher.transactionalIdFor(topic), EventPublisher.DEFAULT_PROGRESS_INTERVAL, brokerTimeout)) {
            for (Path f : o.files) {
                ingestFile(publisher, f, o, totals);
            }
        }
        return totals;
    }

    private void ingestFile(EventPublisher publisher, Path file, IngestOptions o, Totals totals) {
        IngestOptions.checkFile(file);
        IngestDigest digest;
        try {
            digest = IngestDigest.sha256(file);
        } catch (UncheckedIOException e) {
            throw new CliFailure(file + ": cannot read it: " + IngestOptions.reason(e.getCause()), e);
        }
        ParseOptions po = new ParseOptions(Optional.ofNullable(o.vm), o.skipBad ? BadLinePolicy.SKIP
                : BadLinePolicy.FAIL, o.vmMap());
        LogFormat format;
        try {
            format = o.format.equals("auto") ? LogFormat.detect(file) : LogFormat.fromName(o.format);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageError("--format: " + e.getMessage());
        } catch (IOException e) {
            throw new CliFailure(file + ": cannot read it: " + IngestOptions.reason(e), e);
        }
        if (format == LogFormat.JSONL && !po.vmMap().isEmpty()) {
            throw new Args.UsageError("--vm-map: " + file + " is JSON Lines, whose events name their VM; --vm-map "
                    + "maps the threads of trace files");
        }
        // Per-VM counts by hash (a VM's id is one String instance line after line, its hash computed once);
        // per-type counts come from the parse's own statistics.
        Map<String, long[]> vmCounts = new HashMap<>();
        long totalLines = System.console() != null ? countLines(file) : -1;
        long start = System.nanoTime();
        try (ParsedLog log = LogParser.forFormat(format).open(file, po)) {
            Iterator<KeyedRecord> encoded = EncodedEvents.of(log.iterator(), digest,
                    e -> vmCounts.computeIfAbsent(e.getVm(), vm -> new long[1])[0]++);
            PublishOutcome outcome;
            // Parsing runs a chunk ahead on its own thread, overlapping the producer's send loop.
            try (PrefetchingRecords records = new PrefetchingRecords(encoded, file.getFileName().toString())) {
                outcome = publisher.publishFile(digest, file.toString(), records,
                        sent -> progress(file, sent, log.stats().lines(), totalLines, start));
            }
            if (System.console() != null) {
                err.print("\r\u001b[K");
            }
            if (outcome instanceof PublishOutcome.AlreadyIngested a) {
                totals.alreadyIngested++;
                out.printf("%s: already ingested (sha256 %s): %s; nothing published%n", file, digest.shortHex(),
                        a.summary().describe());
                return;
            }
            totals.published += outcome.summary().eventCount();
            Map<String, Long> byVm = new TreeMap<>();
            vmCounts.forEach((vm, n) -> byVm.put(vm, n[0]));
            Map<String, Long> byType = new TreeMap<>();
            log.stats().eventsByKind().forEach((kind, n) -> byType.merge(kind.type(), n, Long::sum));
            byVm.forEach((k, v) -> totals.byVm.merge(k, v, Long::sum));
            byType.forEach((k, v) -> totals.byType.merge(k, v, Long::sum));
            out.printf("%s (%s, sha256 %s): %s%n", file, format.name().toLowerCase(java.util.Locale.ROOT),
                    digest.shortHex(), outcome.summary().describe());
            out.printf("  events by type: %s%n  events by VM: %s%n", byType, abbreviate(byVm));
            out.printf("  skipped lines: %s%n", log.stats().skippedByKind());
            threads(log.stats());
            if (o.skipBad) {
                writeReport(file, o.report, log);
            }
        } catch (IngestFailedException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LogParseException pe) {
                throw new CliFailure(pe.getMessage() + " (nothing of " + file + " was published)", pe);
            }
            throw new CliFailure(e.getMessage(), e);
        } catch (LogParseException e) {
            throw new CliFailure(e.getMessage() + " (nothing of " + file + " was published)", e);
        } catch (IOException e) {
            throw new CliFailure(file + ": " + IngestOptions.reason(e), e);
        }
    }

    /** The trace's thread attributions; every thread that is not a vCPU thread is named, with its first line. */
    private void threads(ParseStats stats) {
        List<ThreadMapping> all = stats.threadMappings();
        List<String> vcpus = all.stream().filter(ThreadMapping::isVcpu).map(ThreadMapping::describe).toList();
        List<String> others = all.stream().filter(t -> !t.isVcpu()).map(ThreadMapping::describe).toList();
        if (!vcpus.isEmpty()) {
            out.printf("  vCPU threads: %s%n", abbreviate(vcpus, 8));
        }
        if (!others.isEmpty()) {
            out.printf("  not vCPU threads (%,d write(s) skipped, not folded): %s%n",
                    stats.skipped(SkipKind.NON_VCPU_THREAD), abbreviate(others, 20));
        }
    }

    private static String abbreviate(List<String> items, int max) {
        return items.size() <= max ? String.join("; ", items)
                : String.join("; ", items.subList(0, max)) + "; ... " + items.size() + " in all";
    }

    private void writeReport(Path file, Path report, ParsedLog log) throws IOException {
        Path target = report != null ? report : file.resolveSibling(file.getFileName() + ".rejected");
        boolean append = report != null && Files.exists(report);
        try (BufferedWriter w = append ? Files.newBufferedWriter(target, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND) : Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            for (RejectedLine r : log.rejected()) {
                w.write(r.reportLine());
                w.newLine();
            }
        }
        out.printf("  rejected lines: %d, written to %s%n", log.rejected().size(), target);
    }

    private void progress(Path file, long sent, long lines, long totalLines, long start) {
        if (System.console() == null) {
            return;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        double rate = sent / Math.max(secs, 1e-3);
        String eta = "";
        if (totalLines > 0 && lines > 0) {
            double left = secs * (totalLines - lines) / lines;
            eta = String.format("  ETA %.0fs", Math.max(0, left));
            int pct = (int) Math.min(100, 100 * lines / totalLines);
            String bar = "#".repeat(pct / 5) + ".".repeat(20 - pct / 5);
            eta = " [" + bar + "] " + pct + "%" + eta;
        }
        err.printf("\r\u001b[K%s: %,d events  %,.0f ev/s%s", file.getFileName(), sent, rate, eta);
        err.flush();
    }

    private static long countLines(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            long n = 0;
            int r;
            while ((r = in.read(buf)) > 0) {
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        n++;
                    }
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String abbreviate(Map<String, Long> byVm) {
        if (byVm.size() <= 8) {
            return byVm.toString();
        }
        StringBuilder b = new StringBuilder("{");
        int i = 0;
        for (Map.Entry<String, Long> e : byVm.entrySet()) {
            if (i++ == 5) {
                break;
            }
            b.append(e.getKey()).append('=').append(e.getValue()).append(", ");
        }
        return b.append("... ").append(byVm.size()).append(" VMs}").toString();
    }
}
