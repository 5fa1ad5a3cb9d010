package org.mtrrledger.events.parse;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaDirection;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;

/** Generators of events that satisfy {@link EventRules}, used by the property tests of every format. */
public final class EventArbitraries {
    private EventArbitraries() {
    }

    /** VM ids with the characters that stress escaping: space, tab, newline, %, =, non-ASCII. */
    public static Arbitrary<String> vmIds() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars('\t', '\n', 'é', '中', '%', '=')
                .ofMinLength(1).ofMaxLength(16);
    }

    static Arbitrary<Long> u64() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE,
                0xc06L, 0x0606060606060606L));
    }

    static Arbitrary<Long> timestamps() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.longs().between(0, 10_000_000_000_000L).map(us -> us * 1000)).injectNull(0.2);
    }

    public static Arbitrary<MtrrEvent> events() {
        Arbitrary<Integer> vcpu = Arbitraries.integers().between(0, EventRules.MAX_VCPU);
        Arbitrary<Object> vcpuPayload = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.longs().between(0, EventRules.MAX_MSR), u64(),
                        Arbitraries.of(true, false), Arbitraries.of(true, false)).as(MsrWrite::new),
                u64().map(Cr0Write::new),
                Arbitraries.of(LifecycleOp.class).flatMap(op -> op == LifecycleOp.CREATE
                        ? u64().injectNull(0.3).map(cr0 -> new VcpuLifecycle(op, cr0))
                        : Arbitraries.just(new VcpuLifecycle(op, null))));
        Arbitrary<String> devices = Arbitraries.oneOf(Arbitraries.just("0000:01:00.0"), vmIds()).injectNull(0.3);
        Arbitrary<Object> vmPayload = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(EventRules.MIN_MAXPHYADDR, EventRules.MAX_MAXPHYADDR),
                        Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(true, false))
                        .as(VmConfig::new),
                Combinators.combine(Arbitraries.of(DmaOpKind.NONCOHERENT_REGISTER, DmaOpKind.NONCOHERENT_UNREGISTER),
                        devices).as((op, dev) -> new DmaOp(op, dev, null, null, null)),
                Combinators.combine(Arbitraries.longs().between(0, Long.MAX_VALUE / 2),
                        Arbitraries.longs().between(1, Long.MAX_VALUE / 2), devices,
                        Arbitraries.of(DmaDirection.class).injectNull(0.3))
                        .as((gpa, len, dev, dir) -> new DmaOp(DmaOpKind.TRANSFER, dev, gpa, len, dir)));
        Arbitrary<MtrrEvent> vcpuScoped = Combinators.combine(vmIds(), vcpu, timestamps(), vcpuPayload)
                .as((vm, cpu, ts, p) -> new MtrrEvent(vm, cpu, ts, null, p, null));
        Arbitrary<MtrrEvent> vmScoped = Combinators.combine(vmIds(), timestamps(), vmPayload)
                .as((vm, ts, p) -> new MtrrEvent(vm, null, ts, null, p, null));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, vcpuScoped), net.jqwik.api.Tuple.of(1, vmScoped));
    }
}
