package org.mtrrledger.events.codec;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaDirection;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.GeneratorPosition;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;

/** Arbitrary valid {@link MtrrEvent}s for the property tests of the hand-written encoder and decoder. */
final class MtrrEventArbitraries {
    static final String DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private MtrrEventArbitraries() {
    }

    /**
     * Strings: a few values that repeat (so the caches hit, miss, and evict more values than they hold, with equal
     * lengths and different bytes), the empty string, values too long to be cached, surrogate pairs, and any other
     * string, unpaired surrogates included (the writer encodes those as '?').
     */
    static Arbitrary<String> strings() {
        Arbitrary<String> repeated = Arbitraries.of("vm-1", "vm-2", "vm-3", "vm-4", "vm-5", "vm-6", "ü", "中文",
                "\uD83D\uDE00", "a\uD800b", "\uDC00", "0000:01:00.0", "boot.trace", DIGEST, "", "x".repeat(300));
        return Arbitraries.oneOf(repeated, repeated, Arbitraries.strings().all().ofMaxLength(200));
    }

    /** Any long, with the varint length boundaries and the extremes likelier than jqwik makes them. */
    static Arbitrary<Long> longs() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 63L,
                -64L, 64L, -65L, 1L << 62, -(1L << 62)));
    }

    /** As {@link #longs()}. */
    static Arbitrary<Integer> integers() {
        return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1,
                63, -64, 64, -65));
    }

    static Arbitrary<Object> payloads() {
        Arbitrary<Boolean> bool = Arbitraries.of(true, false);
        Arbitrary<Long> longs = longs();
        return Arbitraries.oneOf(
                Combinators.combine(integers(), bool, bool, bool).as(VmConfig::new),
                Combinators.combine(Arbitraries.of(LifecycleOp.class), longs.injectNull(0.3)).as(VcpuLifecycle::new),
                Combinators.combine(longs, longs, bool, bool).as(MsrWrite::new),
                longs.map(Cr0Write::new),
                Combinators.combine(Arbitraries.of(DmaOpKind.class), strings().injectNull(0.3),
                        longs.injectNull(0.3), longs.injectNull(0.3), Arbitraries.of(DmaDirection.class).injectNull(0.3))
                        .as(DmaOp::new));
    }

    static Arbitrary<MtrrEvent> events() {
        Arbitrary<Object> sources = Arbitraries.<Object>oneOf(
                Combinators.combine(strings(), longs()).as(FilePosition::new),
                Combinators.combine(longs(), longs()).as(GeneratorPosition::new))
                .injectNull(0.3);
        return Combinators.combine(strings(), integers().injectNull(0.3), longs().injectNull(0.3), sources,
                payloads(), strings().injectNull(0.3)).as(MtrrEvent::new);
    }

    static Arbitrary<List<MtrrEvent>> runs() {
        return events().list().ofMinSize(1).ofMaxSize(12);
    }
}
