package org.mtrrledger.projections.api;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.mtrrledger.engine.consume.EngineProgress;
import org.mtrrledger.engine.store.LedgerStore;

/**
 * {@code /metrics}: what the store holds ({@link StoreMetrics}: events, zaps, zapped GFNs and hazards per policy and
 * per VM within a cap, non-coherent DMA VMs, committed offsets, store size; the same whichever process folded the
 * store) plus this process's own meters (Micrometer): the engine's progress as it reports it through
 * {@link EngineProgress} (events folded by this process, fold rate, lag per partition, readiness) and the API's
 * request latency. The engine stays free of Micrometer.
 */
public final class ApiMetrics implements EngineProgress {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicLong folded = new AtomicLong();
    private volatile double rate;
    private final Map<Integer, AtomicLong> lag = new ConcurrentHashMap<>();
    private volatile Map<Integer, Long> lastLag = Map.of();
    private volatile boolean reported;
    private volatile Supplier<Optional<String>> brokerProblem = Optional::empty;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final int vmCap;
    private volatile StoreMetrics store;

    /** Default of {@code mtrr serve --metrics-vms}: VMs with series of their own. */
    public static final int DEFAULT_VM_CAP = 20;

    /** Metrics with per-VM series for at most {@value #DEFAULT_VM_CAP} VMs. */
    public ApiMetrics() {
        this(DEFAULT_VM_CAP);
    }

    /** @param vmCap at most this many VMs get series of their own; the others are summed as {@code vm="other"} */
    public ApiMetrics(int vmCap) {
        if (vmCap < 0) {
            throw new IllegalArgumentException("the VM series cap must be >= 0, got " + vmCap);
        }
        this.vmCap = vmCap;
        FunctionCounter.builder("mtrr.engine.events.folded", folded, AtomicLong::doubleValue)
                .description("Events folded by this process's engine (accepted, rejected or undecodable)")
                .register(registry);
        Gauge.builder("mtrr.engine.fold.rate", this, m -> m.rate).baseUnit("events.per.second")
                .description("Events folded per second over the engine's last report interval").register(registry);
        Gauge.builder("mtrr.engine.ready", this, m -> m.notReady().isEmpty() ? 1 : 0)
                .description("1 when the engine reaches the broker and has caught up: lag 0 on every assigned "
                        + "partition").register(registry);
    }

    /** The store whose series {@link #scrape()} adds (the server's); the first one bound stays. */
    synchronized void bind(LedgerStore s) {
        if (store == null) {
            store = new StoreMetrics(s, vmCap);
        }
    }

    /** The registry, for tests and extra meters. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition format: the store's series, then this process's. */
    public String scrape() {
        StoreMetrics s = store;
        return (s == null ? "" : s.scrape()) + registry.scrape();
    }

    @Override
    public void report(long foldedSoFar, double eventsPerSecond, Map<Integer, Long> lagByPartition) {
        folded.set(foldedSoFar);
        rate = eventsPerSecond;
        for (Map.Entry<Integer, Long> e : lagByPartition.entrySet()) {
            lag.computeIfAbsent(e.getKey(), p -> {
                AtomicLong a = new AtomicLong();
                Gauge.builder("mtrr.engine.lag", a, AtomicLong::doubleValue).tag("partition", Integer.toString(p))
                        .baseUnit("records").description("Records of the partition not yet folded")
                        .register(registry);
                return a;
            }).set(e.getValue());
        }
        lastLag = Map.copyOf(lagByPartition);
        reported = true;
    }

    /** Caught up: the engine has reported, has partitions assigned, and every one has lag 0. */
    public boolean ready() {
        Map<Integer, Long> l = lastLag;
        return reported && !l.isEmpty() && l.values().stream().allMatch(v -> v == 0);
    }

    /** Where readiness also asks whether the engine reaches its broker (the reason when it does not). */
    public void watchBroker(Supplier<Optional<String>> problem) {
        this.brokerProblem = problem;
    }

    /** Why the engine is not ready (the broker is away, or it is catching up); empty when it is. */
    public Optional<String> notReady() {
        Optional<String> broker = brokerProblem.get();
        if (broker.isPresent()) {
            return broker;
        }
        if (ready()) {
            return Optional.empty();
        }
        return Optional.of(reported ? "catching up: lag " + lastLag : "the engine has not reported yet");
    }

    /** The last lag the engine reported, per assigned partition. */
    public Map<Integer, Long> lag() {
        return lastLag;
    }

    public long folded() {
        return folded.get();
    }

    /** Records one API request's latency under its route template and status. */
    void recordRequest(String route, int status, long nanos) {
        timers.computeIfAbsent(route + " " + status, k -> Timer.builder("mtrr.api.requests").tag("route", route)
                .tag("status", Integer.toString(status)).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(30))
                .description("HTTP API request latency").register(registry)).record(Duration.ofNanos(nanos));
    }
}
