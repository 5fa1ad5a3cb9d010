package org.mtrrledger.projections.api;

import io.micrometer.core.instrument.Counter;
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
import org.mtrrledger.engine.pipeline.ObservedProjection;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.ProjectionRecord;
import org.mtrrledger.engine.pipeline.ProjectionState;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.hazard.HazardKind;
import org.mtrrledger.projections.zap.PolicyId;

/**
 * The process's Prometheus metrics. The engine stays free of Micrometer: it reports through {@link EngineProgress}
 * (events folded, fold rate, lag per partition, about once a second) and its projection is wrapped by
 * {@link #counting}, which counts the zap and hazard records it produces.
 */
public final class ApiMetrics implements EngineProgress {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicLong folded = new AtomicLong();
    private volatile double rate;
    private final Map<Integer, AtomicLong> lag = new ConcurrentHashMap<>();
    private volatile Map<Integer, Long> lastLag = Map.of();
    private volatile boolean reported;
    private volatile Supplier<Optional<String>> brokerProblem = Optional::empty;
    private final Counter[] zaps = new Counter[PolicyId.values().length];
    private final Map<String, Counter> hazards = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public ApiMetrics() {
        FunctionCounter.builder("mtrr.engine.events.folded", folded, AtomicLong::doubleValue)
                .description("Events folded by this process's engine (accepted, rejected or undecodable)")
                .register(registry);
        Gauge.builder("mtrr.engine.fold.rate", this, m -> m.rate).baseUnit("events.per.second")
                .description("Events folded per second over the engine's last report interval").register(registry);
        Gauge.builder("mtrr.engine.ready", this, m -> m.notReady().isEmpty() ? 1 : 0)
                .description("1 when the engine reaches the broker and has caught up: lag 0 on every assigned "
                        + "partition").register(registry);
        for (PolicyId p : PolicyId.values()) {
            zaps[p.code] = Counter.builder("mtrr.zaps").tag("policy", p.label)
                    .description("kvm_zap_gfn_range() calls issued by a policy for the events folded here")
                    .register(registry);
            for (HazardKind k : HazardKind.values()) {
                hazard(p, k);
            }
        }
    }

    /** The registry, for tests and extra meters. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
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

    void countZap(PolicyId p) {
        zaps[p.code].increment();
    }

    void countHazard(PolicyId p, HazardKind k) {
        hazard(p, k).increment();
    }

    private Counter hazard(PolicyId p, HazardKind k) {
        return hazards.computeIfAbsent(p.label + "/" + k.label(), x -> Counter.builder("mtrr.hazards")
                .tag("policy", p.label).tag("kind", k.label())
                .description("Memtype hazards revealed for a policy by the events folded here").register(registry));
    }

    /** Wraps the engine's projection so that its zap and hazard records are counted here. */
    public <S extends ProjectionState<S>, M> Projection<S, M> counting(Projection<S, M> delegate) {
        return new ObservedProjection<>(delegate, (ref, records) -> {
            for (ProjectionRecord r : records) {
                PolicyId p = PolicyId.ofCode(r.policyId());
                if (r.kind() == ProjectionRecord.Kind.ZAP) {
                    countZap(p);
                } else {
                    countHazard(p, Hazard.decode(r.value()).kind());
                }
            }
        });
    }

    /** Records one API request's latency under its route template and status. */
    void recordRequest(String route, int status, long nanos) {
        timers.computeIfAbsent(route + " " + status, k -> Timer.builder("mtrr.api.requests").tag("route", route)
                .tag("status", Integer.toString(status)).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(30))
                .description("HTTP API request latency").register(registry)).record(Duration.ofNanos(nanos));
    }
}
