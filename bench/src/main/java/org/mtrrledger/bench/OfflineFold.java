package org.mtrrledger.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Utils;
import org.mtrrledger.engine.consume.LedgerWriter;
import org.mtrrledger.engine.consume.LogRecord;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.StoreDigest;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.parse.LogFormat;
import org.mtrrledger.events.parse.LogParser;
import org.mtrrledger.events.parse.ParseOptions;
import org.mtrrledger.events.parse.ParsedLog;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * The engine's {@link LedgerWriter} (pipelined writes, checkpoints every 1000) without Kafka, to split the fold's
 * cost from the broker's and to profile it: {@code java -cp "bench/target/classes:bench/target/lib/*"
 * org.mtrrledger.bench.OfflineFold <fleet.jsonl> none|full <Durability> <rounds> [store dir to keep]}.
 * Records are encoded and partitioned (murmur2 of the VM id, 4 partitions) as the producer would, then applied in
 * polls of 10,000. Prints wall, engine-thread CPU time and process CPU time (fold, writer and RocksDB's background
 * threads together: what two shared cores pay per event), the store writer thread's, and the bytes the fold and
 * writer threads allocated per event, per round (CPU time and allocation are the stabler numbers on a shared machine),
 * the round's CPU per event of every thread group (Java and native: RocksDB's flush and compaction threads, the JIT
 * compilers, GC; read from {@code /proc/self/task} on Linux) and, after the last round, the store's size before and
 * after a full compaction and its keys per column.
 */
final class OfflineFold {
    /**
     * CPU seconds so far of every live thread of this process by thread group: the name without its trailing digits
     * ("rocksdb:low", "C2 CompilerThre"; Linux truncates names to 15 characters). Empty where there is no /proc.
     */
    static java.util.Map<String, Double> cpuByThreadGroup() {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return out;
        }
        double tick = 100.0; // USER_HZ: 100 on every Linux architecture the JDK runs on
        try (var dirs = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) dirs::iterator) {
                try {
                    String name = Files.readString(t.resolve("comm")).strip().replaceAll("[0-9#]+$", "").strip();
                    String stat = Files.readString(t.resolve("stat"));
                    // Fields after the ")" that ends the name: state is field 3, utime 14 and stime 15.
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / tick;
                    out.merge(name, cpu, Double::sum);
                } catch (java.io.IOException | RuntimeException gone) {
                    // the thread ended while listing
                }
            }
        } catch (java.io.IOException e) {
            return out;
        }
        return out;
    }

    /** The groups that used at least 2 % of the round's process CPU, largest first, in us per event. */
    private static String threadGroupsSince(java.util.Map<String, Double> before, long events, double processSeconds) {
        StringBuilder b = new StringBuilder("  cpu by thread group (us/ev):");
        cpuByThreadGroup().entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() >= 0.02 * processSeconds)
                .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> b.append(String.format(" %s %.2f;", e.getKey(), e.getValue() * 1e6 / events)));
        return b.toString();
    }

    /** CPU time of each live store writer thread (a round's writer thread may end after its round). */
    private static java.util.Map<Long, Long> writerCpu(java.lang.management.ThreadMXBean mx) {
        java.util.Map<Long, Long> cpu = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("mtrr-store-writer")) {
                cpu.put(t.getThreadId(), Math.max(0, mx.getThreadCpuTime(t.getThreadId())));
            }
        }
        return cpu;
    }

    private static long writerCpuSince(java.lang.management.ThreadMXBean mx, java.util.Map<Long, Long> before) {
        long sum = 0;
        for (java.util.Map.Entry<Long, Long> e : writerCpu(mx).entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    /** Bytes allocated so far by the live store writer threads (each round's batches are written on one). */
    private static long writerAllocated(com.sun.management.ThreadMXBean mx) {
        long sum = 0;
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("mtrr-store-writer")) {
                sum += Math.max(0, mx.getThreadAllocatedBytes(t.getThreadId()));
            }
        }
        return sum;
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String projection = args[1];
        Durability durability = Durability.valueOf(args[2]);
        int rounds = Integer.parseInt(args[3]);
        List<LogRecord> all = new ArrayList<>();
        EventCodec codec = new EventCodec();
        long[] next = new long[4];
        try (ParsedLog log = LogParser.forFormat(LogFormat.JSONL).open(file, ParseOptions.DEFAULTS)) {
            for (MtrrEvent e : log) {
                byte[] k = e.getVm().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int p = Utils.toPositive(Utils.murmur2(k)) % 4;
                all.add(new LogRecord("t", p, next[p]++, e.getVm(), codec.encode(e)));
            }
        }
        for (int r = 0; r < rounds; r++) {
            Path dir = args.length > 4 ? Path.of(args[4]) : Files.createTempDirectory("offline-fold");
            Projection<?, ?> proj = projection.equals("none") ? Projection.NONE : new PolicyProjection();
            try (LedgerStore store = LedgerStore.open(dir, OpenMode.PRIMARY, durability, proj.outputs())) {
                LedgerWriter w = new LedgerWriter(store, org.mtrrledger.engine.consume.StoreWrites.pipelined(store), new Pipeline(proj), 1000, PoisonPolicy.FAIL);
                var mx = java.lang.management.ManagementFactory.getThreadMXBean();
                var os = (com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                var groups0 = cpuByThreadGroup();
                long p0 = os.getProcessCpuTime();
                long c0 = mx.getCurrentThreadCpuTime();
                var wr0 = writerCpu(mx);
                var amx = (com.sun.management.ThreadMXBean) mx;
                long a0 = amx.getCurrentThreadAllocatedBytes();
                long wa0 = writerAllocated(amx);
                long t0 = System.nanoTime();
                for (int i = 0; i < all.size(); i += 10_000) {
                    w.apply(all.subList(i, Math.min(all.size(), i + 10_000)));
                }
                w.drain();
                long t = System.nanoTime() - t0;
                long cpu = mx.getCurrentThreadCpuTime() - c0;
                long pcpu = os.getProcessCpuTime() - p0;
                long wcpu = writerCpuSince(mx, wr0);
                long alloc = amx.getCurrentThreadAllocatedBytes() - a0;
                long walloc = writerAllocated(amx) - wa0;
                System.out.printf("%s %s round %d: %d events %.2f s = %.0f ev/s; thread cpu %.2f s = %.2f us/ev;"
                        + " process cpu %.2f us/ev; writer thread %.2f us/ev; allocated %d B/ev (writer %d)%n",
                        projection, durability, r, all.size(), t / 1e9, all.size() / (t / 1e9), cpu / 1e9,
                        cpu / 1e3 / all.size(), pcpu / 1e3 / all.size(), wcpu / 1e3 / all.size(),
                        alloc / all.size(), walloc / all.size());
                System.out.println(threadGroupsSince(groups0, all.size(), pcpu / 1e9));
                if (r == rounds - 1) {
                    store.flush();
                    long before = store.approximateSizeOnDisk();
                    store.compactRange();
                    System.out.printf("  on disk: flushed %.1f MiB, after full compaction %.1f MiB%n",
                            before / 1048576.0, store.approximateSizeOnDisk() / 1048576.0);
                    StoreDigest.of(store).forEach((c, table) -> System.out.printf(
                            "  %-12s %,10d keys  key %,12d B  value %,12d B%n", c, table.entries(),
                            table.keyBytes(), table.valueBytes()));
                }
            }
            if (args.length <= 4) {
                LedgerStore.destroy(dir);
            }
        }
    }
}
