package org.mtrrledger.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/** Merges the per-JVM result files of every size, computes medians over runs, writes one JSON and prints one table. */
final class Report {
    private Report() {
    }

    @SuppressWarnings("unchecked")
    static void run(HarnessArgs a) throws IOException {
        Path work = a.path("work");
        String[] sizes = a.str("sizes").split(",");
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("mode", a.str("mode"));
        all.put("note", "medians over runs; each measurement in its own JVM (see bench/README.md)");
        all.put("wall_clock_s", a.has("wall-s") ? Long.parseLong(a.str("wall-s")) : null);
        Map<String, Object> bySize = new LinkedHashMap<>();
        all.put("sizes", bySize);
        Map<String, Object> machine = null;
        List<String> loads = new ArrayList<>();
        for (String size : sizes) {
            Path dir = work.resolve(size);
            Map<String, Object> s = new LinkedHashMap<>();
            for (String kind : List.of("ingest", "fold", "rebuild", "timetravel", "resume")) {
                List<Map<String, Object>> files = new ArrayList<>();
                try (Stream<Path> ls = Files.list(dir)) {
                    for (Path f : ls.sorted().toList()) {
                        String n = f.getFileName().toString();
                        if (n.endsWith(".json") && (n.equals(kind + ".json") || n.startsWith(kind + "-"))) {
                            files.add(Out.JSON.readValue(f.toFile(), new TypeReference<Map<String, Object>>() { }));
                        }
                    }
                }
                if (files.isEmpty()) {
                    continue;
                }
                if (machine == null) {
                    machine = (Map<String, Object>) files.get(0).get("machine");
                }
                List<Map<String, Object>> runs = new ArrayList<>();
                Map<String, Object> extra = new LinkedHashMap<>();
                List<Object> jvmArgs = new ArrayList<>();
                for (Map<String, Object> f : files) {
                    loads.add(String.valueOf(((Map<String, Object>) f.get("machine")).get("loadavg_at_start")));
                    runs.addAll((List<Map<String, Object>>) f.get("runs"));
                    extra.putAll((Map<String, Object>) f.get("extra"));
                    jvmArgs.add(((Map<String, Object>) f.get("machine")).get("jvm_args"));
                }
                Map<String, Object> k = new LinkedHashMap<>();
                k.put("median", medians(runs));
                k.put("runs", runs);
                k.put("extra", extra);
                k.put("jvm_args", jvmArgs.get(0));
                s.put(kind, k);
            }
            bySize.put(size, s);
        }
        all.put("machine", machine);
        all.put("loadavg_at_each_jvm_start", loads);
        Out.JSON.writeValue(a.path("out").toFile(), all);
        print(all, sizes);
    }

    /** Median of every numeric field over runs; nested objects (latency maps) are taken as they are (one run). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> medians(List<Map<String, Object>> runs) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (runs.isEmpty()) {
            return m;
        }
        // Runs of one kind may come from several JVMs (fold: the engine's and Streams'), with different keys.
        Map<String, Object> first = new LinkedHashMap<>();
        runs.forEach(r -> r.forEach(first::putIfAbsent));
        for (String key : first.keySet()) {
            Object v = first.get(key);
            if (v instanceof Number) {
                List<Number> xs = new ArrayList<>();
                runs.forEach(r -> {
                    if (r.get(key) instanceof Number n) {
                        xs.add(n);
                    }
                });
                m.put(key, Stats.round(Stats.median(xs)));
                m.put(key + "__n", xs.size());
            } else if (v instanceof Map && runs.size() == 1) {
                m.put(key, v);
            }
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Object get(Map<String, Object> size, String path) {
        Object cur = size;
        for (String p : path.split("\\.")) {
            if (!(cur instanceof Map)) {
                return null;
            }
            cur = ((Map<String, Object>) cur).get(p);
        }
        return cur;
    }

    private static double num(Map<String, Object> size, String path) {
        Object v = get(size, path);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @SuppressWarnings("unchecked")
    static void print(Map<String, Object> all, String[] sizes) {
        Map<String, Object> machine = (Map<String, Object>) all.get("machine");
        Map<String, Object> bySize = (Map<String, Object>) all.get("sizes");
        System.out.printf("mtrr-ledger bench (%s): %s cores (%s), %s MiB RAM, %s, %s%n", all.get("mode"),
                machine.get("cores"), machine.get("cpu"), machine.get("mem_total_mib"), machine.get("jvm"),
                machine.get("date"));
        System.out.println("median of N runs (N in brackets); latencies over all queries; broker = separate JVM on the"
                + " same 2 cores");
        List<String> loads = (List<String>) all.get("loadavg_at_each_jvm_start");
        double maxLoad = loads.stream().mapToDouble(l -> {
            try {
                return Double.parseDouble(l.split(" ")[0]);
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).max().orElse(Double.NaN);
        System.out.printf("1-min load average at JVM starts: up to %.1f on %s cores (other processes skew results)%n",
                maxLoad, machine.get("cores"));
        List<String[]> rows = new ArrayList<>();
        String[] head = new String[sizes.length + 1];
        head[0] = "measurement";
        for (int i = 0; i < sizes.length; i++) {
            Map<String, Object> s = (Map<String, Object>) bySize.get(sizes[i]);
            double ev = num(s, "fold.extra.events");
            head[i + 1] = sizes[i] + (Double.isNaN(ev) ? "" : String.format(" (%,.0f ev)", ev));
        }
        rows.add(head);
        row(rows, bySize, sizes, "ingest: parse+encode+publish  ev/s", Shown.RATE, "ingest", "parse_events_per_s");
        row(rows, bySize, sizes, "ingest: producer alone (bound) ev/s", Shown.RATE, "ingest", "raw_events_per_s");
        row(rows, bySize, sizes, "  ingest / producer", Shown.RATIO, "ingest", "ingest_over_producer");
        row(rows, bySize, sizes, "fold: engine, all on         ev/s", Shown.RATE, "fold", "engine_events_per_s");
        row(rows, bySize, sizes, "fold: consume-and-discard    ev/s", Shown.RATE, "fold", "consume_events_per_s");
        row(rows, bySize, sizes, "fold: Streams aggregate(Fold) ev/s", Shown.RATE, "fold", "streams_events_per_s");
        row(rows, bySize, sizes, "  fold / consume", Shown.RATIO, "fold", "fold_over_consume");
        row(rows, bySize, sizes, "fold: Streams Processor(Fold) ev/s", Shown.RATE, "fold", "processor_events_per_s");
        row(rows, bySize, sizes, "  fold / streams", Shown.RATIO, "fold", "fold_over_streams");
        row(rows, bySize, sizes, "  fold / streams processor", Shown.RATIO, "fold", "fold_over_processor");
        row(rows, bySize, sizes, "memtype snapshot p50/p99/max ms", s -> lat(s, "memtype"));
        row(rows, bySize, sizes, "zaps-by-GFN      p50/p99/max ms", s -> lat(s, "zaps_by_gfn"));
        row(rows, bySize, sizes, "restart: start -> 1st record s",
                Shown.SECS, "resume", "process_start_to_first_record_s");
        row(rows, bySize, sizes, "  of which JVM start -> main s", Shown.SECS, "resume", "jvm_start_to_main_s");
        row(rows, bySize, sizes, "rebuild: start -> caught up s",
                Shown.SECS, "rebuild", "process_start_to_caught_up_s");
        row(rows, bySize, sizes, "  refold only ev/s", Shown.RATE, "rebuild", "refold_events_per_s");
        row(rows, bySize, sizes, "heap used after full fold+GC MiB", Shown.MIB, "rebuild", "heap_used_after_gc_mib");
        row(rows, bySize, sizes, "process RSS after fold MiB", Shown.MIB, "rebuild", "rss_mib");
        row(rows, bySize, sizes, "RocksDB on disk (closed) MiB",
                Shown.BYTES_AS_MIB, "rebuild", "store_du_bytes_closed");
        row(rows, bySize, sizes, "topic on disk: segments MiB", Shown.BYTES_AS_MIB, "rebuild", "topic_log_bytes");
        row(rows, bySize, sizes, "  allocated incl. indexes MiB",
                Shown.BYTES_AS_MIB, "rebuild", "topic_allocated_bytes");
        int[] w = new int[head.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (int j = 0; j < rows.size(); j++) {
            String[] r = rows.get(j);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                b.append(i == 0 ? String.format("%-" + w[i] + "s", r[i]) : " | " + String.format("%" + w[i] + "s", r[i]));
            }
            System.out.println(b);
            if (j == 0) {
                System.out.println("-".repeat(b.length()));
            }
        }
    }

    /** A row of one median per size, shown as {@code shown} says. */
    private static void row(List<String[]> rows, Map<String, Object> bySize, String[] sizes, String label,
            Shown shown, String kind, String key) {
        row(rows, bySize, sizes, label, s -> shown.of(s, kind, key));
    }

    @SuppressWarnings("unchecked")
    private static void row(List<String[]> rows, Map<String, Object> bySize, String[] sizes, String label,
            Function<Map<String, Object>, String> f) {
        String[] r = new String[sizes.length + 1];
        r[0] = label;
        for (int i = 0; i < sizes.length; i++) {
            Map<String, Object> s = (Map<String, Object>) bySize.get(sizes[i]);
            String v;
            try {
                v = s == null ? "-" : f.apply(s);
            } catch (RuntimeException e) {
                v = "-";
            }
            r[i + 1] = v;
        }
        rows.add(r);
    }

    private static String n(Map<String, Object> s, String kind, String key) {
        double c = num(s, kind + ".median." + key + "__n");
        return Double.isNaN(c) ? "" : " [" + (long) c + "]";
    }

    /** How a median is printed: its format, applied to the value divided by the unit. */
    private enum Shown {
        RATE("%,.0f", 1),
        RATIO("%.2f", 1),
        SECS("%.2f", 1),
        MIB("%,.0f", 1),
        BYTES_AS_MIB("%,.1f", 1048576.0);

        private final String format;
        private final double unit;

        Shown(String format, double unit) {
            this.format = format;
            this.unit = unit;
        }

        /** The median of {@code key} in {@code kind}'s runs with its run count, or "-" if there is none. */
        String of(Map<String, Object> s, String kind, String key) {
            double v = num(s, kind + ".median." + key);
            return Double.isNaN(v) ? "-" : String.format(format, v / unit) + n(s, kind, key);
        }
    }

    private static String lat(Map<String, Object> s, String key) {
        double p50 = num(s, "timetravel.median." + key + ".p50_ms");
        if (Double.isNaN(p50)) {
            return "-";
        }
        return String.format("%.2f / %.2f / %.2f (n=%.0f)", p50, num(s, "timetravel.median." + key + ".p99_ms"),
                num(s, "timetravel.median." + key + ".max_ms"), num(s, "timetravel.median." + key + ".n"));
    }
}
