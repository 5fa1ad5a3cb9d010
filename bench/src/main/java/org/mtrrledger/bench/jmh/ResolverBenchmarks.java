package org.mtrrledger.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.mtrrledger.engine.fold.Fold;
import org.mtrrledger.engine.fold.VmSettings;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.gen.FirmwareChoice;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.gen.NoncoherentDma;
import org.mtrrledger.events.gen.Scenarios;
import org.mtrrledger.events.gen.VcpuRange;
import org.mtrrledger.projections.memtype.KvmMtrrResolver;
import org.mtrrledger.projections.memtype.MemtypeMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link KvmMtrrResolver#resolve} of a typical OVMF guest's MTRRs: vCPU 0 after a full OVMF + Linux boot (4 vCPUs,
 * q35, 4 GiB, non-coherent DMA), i.e. the state the hazard checks and memtype snapshots resolve.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResolverBenchmarks {
    private MtrrState mtrr;
    private VmSettings settings;

    @Setup
    public void setup() {
        GeneratorSpec spec = GeneratorSpec.defaults().withSeed(20230930).withVms(1).withVcpus(VcpuRange.exactly(4))
                .withFirmware(FirmwareChoice.OVMF).withNoncoherentDma(NoncoherentDma.BEFORE_BOOT)
                .withScenarios(Scenarios.NONE.withDmaTransfers(3, 3));
        VmState vm = null;
        for (MtrrEvent e : Events.of(spec)) {
            if (vm == null) {
                vm = VmState.empty(e.getVm());
            }
            Fold.apply(vm, e);
        }
        mtrr = vm.vcpu(0).mtrr();
        settings = vm.settings();
        if (!mtrr.enabled()) {
            throw new IllegalStateException("OVMF boot left vCPU 0's MTRRs disabled");
        }
    }

    @Benchmark
    public MemtypeMap kvmResolve() {
        return KvmMtrrResolver.INSTANCE.resolve(mtrr, settings);
    }
}
