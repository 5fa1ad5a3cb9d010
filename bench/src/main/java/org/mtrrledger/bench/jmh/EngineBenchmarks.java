package org.mtrrledger.bench.jmh;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mtrrledger.engine.fold.Fold;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.gen.FleetGenerator;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-event cost of the fold alone ({@link Fold#apply}) and of the engine's full step ({@link Pipeline#step} with
 * {@link PolicyProjection}: fold + 8 zap policies + hazards), in memory, no Kafka or RocksDB. The input is the boot
 * logs of 4 VMs of the typical fleet (16-64 vCPUs, OVMF/SeaBIOS mix, non-coherent DMA, DMA transfers). One invocation
 * folds the whole log ({@value #EVENTS} events) from empty states, so every invocation sees the same mix of boot
 * phases (per-event cost differs by orders of magnitude between phases; a per-event invocation with 1 s iterations
 * would measure whichever phase the iteration happened to cover). Scores are per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineBenchmarks {
    /** Events of {@code typicalFleet(42).withVms(4)}; checked in setup (the generator is deterministic). */
    static final int EVENTS = 7632;

    private MtrrEvent[] events;
    private int[] vmIndex;
    private String[] vms;
    private EventRef[] refs;
    private VmState[] states;
    private VmLedger[] ledgers;
    private Pipeline pipeline;

    @Setup
    public void setup() {
        List<MtrrEvent> list = Events.of(FleetGenerator.typicalFleet(42).withVms(4));
        events = list.toArray(new MtrrEvent[0]);
        if (events.length != EVENTS) {
            throw new IllegalStateException("the generator now yields " + events.length + " events for "
                    + "typicalFleet(42).withVms(4); set EngineBenchmarks.EVENTS to that");
        }
        Map<String, Integer> idx = new HashMap<>();
        vmIndex = new int[events.length];
        refs = new EventRef[events.length];
        for (int i = 0; i < events.length; i++) {
            vmIndex[i] = idx.computeIfAbsent(events[i].getVm(), k -> idx.size());
            refs[i] = new EventRef("mtrr.events", 0, i);
        }
        vms = new String[idx.size()];
        idx.forEach((k, v) -> vms[v] = k);
        pipeline = new Pipeline(new PolicyProjection());
        resetFold();
        resetStep();
    }

    private void resetFold() {
        states = new VmState[vms.length];
        for (int i = 0; i < vms.length; i++) {
            states[i] = VmState.empty(vms[i]);
        }
    }

    private void resetStep() {
        ledgers = new VmLedger[vms.length];
        for (int i = 0; i < vms.length; i++) {
            ledgers[i] = pipeline.newLedger(vms[i]);
        }
    }

    /** Every event through {@link Fold#apply} (engine only); score per event. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void foldApply(Blackhole bh) {
        resetFold();
        for (int i = 0; i < events.length; i++) {
            bh.consume(Fold.apply(states[vmIndex[i]], events[i]));
        }
    }

    /** Every event through the full {@link Pipeline#step}: fold + PolicyProjection (8 policies, hazards). */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void pipelineStep(Blackhole bh) {
        resetStep();
        for (int i = 0; i < events.length; i++) {
            bh.consume(pipeline.step(ledgers[vmIndex[i]], refs[i], events[i]));
        }
    }
}
