package org.mtrrledger.events.parse;

import static org.mtrrledger.events.testing.Gens.orNull;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaDirection;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;
import org.mtrrledger.events.testing.Gens;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Generators of events that satisfy {@link EventRules}, used by the property tests of every format. */
public final class EventGens {
    private static final String VM_ID_CHARS = "\t\né中"
            + IntStream.rangeClosed(' ', '~').mapToObj(Character::toString).collect(Collectors.joining());

    private EventGens() {
    }

    /** VM ids with the characters that stress escaping: space, tab, newline, %, =, non-ASCII. */
    public static Gen<String> vmIds() {
        return Gens.over(VM_ID_CHARS, 1, 16);
    }

    static Gen<Long> u64() {
        return longs().all().mix(arbitrary().pick(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0xc06L,
                0x0606060606060606L), 50);
    }

    static Gen<Long> timestamps() {
        return orNull(Generate.oneOf(longs().between(0, Long.MAX_VALUE),
                longs().between(0, 10_000_000_000_000L).map(us -> us * 1000)), 20);
    }

    public static Gen<MtrrEvent> events() {
        Gen<Boolean> bool = Generate.booleans();
        Gen<Object> vcpuPayload = Generate.oneOf(
                longs().between(0, EventRules.MAX_MSR).zip(u64(), bool, bool, MsrWrite::new),
                u64().map(Cr0Write::new),
                Generate.enumValues(LifecycleOp.class).flatMap(op -> op == LifecycleOp.CREATE
                        ? orNull(u64(), 30).map(cr0 -> new VcpuLifecycle(op, cr0))
                        : Generate.constant(new VcpuLifecycle(op, null))));
        Gen<String> devices = orNull(Generate.oneOf(Generate.constant("0000:01:00.0"), vmIds()), 30);
        Gen<Object> vmPayload = Generate.oneOf(
                integers().between(EventRules.MIN_MAXPHYADDR, EventRules.MAX_MAXPHYADDR).zip(bool, bool, bool,
                        VmConfig::new),
                arbitrary().pick(DmaOpKind.NONCOHERENT_REGISTER, DmaOpKind.NONCOHERENT_UNREGISTER)
                        .zip(devices, (op, dev) -> new DmaOp(op, dev, null, null, null)),
                longs().between(0, Long.MAX_VALUE / 2).zip(longs().between(1, Long.MAX_VALUE / 2), devices,
                        orNull(Generate.enumValues(DmaDirection.class), 30),
                        (gpa, len, dev, dir) -> new DmaOp(DmaOpKind.TRANSFER, dev, gpa, len, dir)));
        Gen<MtrrEvent> vcpuScoped = vmIds().zip(integers().between(0, EventRules.MAX_VCPU), timestamps(),
                vcpuPayload, (vm, cpu, ts, p) -> new MtrrEvent(vm, cpu, ts, null, p, null));
        Gen<MtrrEvent> vmScoped = vmIds().zip(timestamps(), vmPayload,
                (vm, ts, p) -> new MtrrEvent(vm, null, ts, null, p, null));
        return Generate.frequency(Pair.of(4, vcpuScoped), Pair.of(1, vmScoped));
    }
}
