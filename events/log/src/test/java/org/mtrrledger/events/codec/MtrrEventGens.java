package org.mtrrledger.events.codec;

import static org.mtrrledger.events.testing.Gens.orNull;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
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
import org.mtrrledger.events.testing.Gens;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Any valid {@link MtrrEvent}, for the property tests of the hand-written encoder and decoder. */
final class MtrrEventGens {
    static final String DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private MtrrEventGens() {
    }

    /**
     * Strings: two times in three a few values that repeat (so the caches hit, miss, and evict more values than
     * they hold, with equal lengths and different bytes), the empty string, values too long to be cached and
     * surrogate pairs; else any string, unpaired surrogates included (the writer encodes those as '?').
     */
    static Gen<String> strings() {
        Gen<String> repeated = arbitrary().pick("vm-1", "vm-2", "vm-3", "vm-4", "vm-5", "vm-6", "ü", "中文",
                "\uD83D\uDE00", "a\uD800b", "\uDC00", "0000:01:00.0", "boot.trace", DIGEST, "", "x".repeat(300));
        return Generate.frequency(Pair.of(2, repeated), Pair.of(1, Gens.utf16(200)));
    }

    /** Any long, half of the time one of the varint length boundaries or the extremes. */
    static Gen<Long> longs64() {
        return longs().all().mix(arbitrary().pick(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 63L, -64L, 64L, -65L,
                1L << 62, -(1L << 62)), 50);
    }

    /** As {@link #longs64()}. */
    static Gen<Integer> ints() {
        return integers().all().mix(arbitrary().pick(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 63, -64, 64, -65),
                50);
    }

    static Gen<Object> payloads() {
        Gen<Boolean> bool = Generate.booleans();
        Gen<Long> longs = longs64();
        Gen<Object> config = ints().zip(bool, bool, bool, VmConfig::new);
        Gen<Object> lifecycle = Generate.enumValues(LifecycleOp.class).zip(orNull(longs, 30), VcpuLifecycle::new);
        Gen<Object> msr = longs.zip(longs, bool, bool, MsrWrite::new);
        Gen<Object> cr0 = longs.map(Cr0Write::new);
        Gen<Object> dma = in -> new DmaOp(Generate.enumValues(DmaOpKind.class).generate(in),
                orNull(strings(), 30).generate(in), orNull(longs, 30).generate(in), orNull(longs, 30).generate(in),
                orNull(Generate.enumValues(DmaDirection.class), 30).generate(in));
        return Generate.oneOf(config, lifecycle, msr, cr0, dma);
    }

    static Gen<MtrrEvent> events() {
        Gen<Object> sources = orNull(Generate.oneOf(strings().zip(longs64(), FilePosition::new),
                longs64().zip(longs64(), GeneratorPosition::new)), 30);
        Gen<Integer> vcpus = orNull(ints(), 30);
        Gen<Long> timestamps = orNull(longs64(), 30);
        Gen<Object> payloads = payloads();
        Gen<String> ingests = orNull(strings(), 30);
        return in -> new MtrrEvent(strings().generate(in), vcpus.generate(in), timestamps.generate(in),
                sources.generate(in), payloads.generate(in), ingests.generate(in));
    }

    static Gen<List<MtrrEvent>> runs() {
        return lists().of(events()).ofSizeBetween(1, 12);
    }
}
