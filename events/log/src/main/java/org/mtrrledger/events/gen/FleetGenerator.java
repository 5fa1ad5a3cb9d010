package org.mtrrledger.events.gen;

import java.util.Iterator;

/**
 * Sizes a fleet to a target event count: measures the mean events per VM on a sample of the spec's own VMs (same
 * seed, so the sample is the fleet's first VMs) and sets {@code vms} so the total lands near the target. Use it for
 * load tests such as "about 10 M events from 1000-ish VMs of 16–64 vCPUs".
 */
public final class FleetGenerator {
    /** VMs measured to estimate the mean; the estimate's error shrinks with the spread of the vCPU range. */
    static final int SAMPLE_VMS = 16;

    /**
     * @param spec             the fleet, with {@code vms} to be chosen
     * @param estimatedEvents  expected total for {@code spec}
     * @param meanEventsPerVm  measured on the sample
     */
    public record FleetPlan(GeneratorSpec spec, long estimatedEvents, double meanEventsPerVm) {
    }

    private FleetGenerator() {
    }

    public static FleetPlan plan(GeneratorSpec template, long targetEvents) {
        if (targetEvents < 1) {
            throw new IllegalArgumentException("targetEvents must be >= 1");
        }
        double mean = meanEventsPerVm(template, SAMPLE_VMS);
        int vms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(targetEvents / mean)));
        return new FleetPlan(template.withVms(vms), Math.round(vms * mean), mean);
    }

    /** "1000 VMs of 16–64 vCPUs"-style template: OVMF/SeaBIOS mix, q35, a few DMA transfers, seeded. */
    public static GeneratorSpec typicalFleet(long seed) {
        return GeneratorSpec.defaults().withSeed(seed).withVcpus(new VcpuRange(16, 64))
                .withFirmware(FirmwareChoice.MIXED).withNoncoherentDma(NoncoherentDma.BEFORE_BOOT)
                .withScenarios(Scenarios.NONE.withDmaTransfers(2, 2));
    }

    static double meanEventsPerVm(GeneratorSpec template, int sample) {
        GeneratorSpec probe = template.withVms(sample);
        long n = 0;
        for (Iterator<?> it = BootLogGenerator.iterator(probe); it.hasNext(); it.next()) {
            n++;
        }
        return (double) n / sample;
    }
}
