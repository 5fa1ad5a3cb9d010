package org.mtrrledger.events.gen;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.mtrrledger.events.avro.GeneratorPosition;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.parse.LogFormat;
import org.mtrrledger.events.parse.LogWriter;

/**
 * Production-like boot logs: per VM a vm_config, vCPU creation, optional non-coherent DMA registration and QEMU's
 * MTRR loads, the firmware's MTRR programming (SeaBIOS or OVMF, doc §7.1/§7.2), Linux's cache init on the BSP
 * and the all-CPU rendezvous (doc §7.3), then the runtime scenarios of {@link Scenarios}. The boot sequences follow
 * the real boots in samples/captures/ (each phase class cites the lines it mirrors).
 *
 * <p>Deterministic: VM {@code i} draws from the {@code i}-th {@link SplittableRandom#split()} of
 * {@code new SplittableRandom(seed)}, so the same spec gives the same events. Lazy: VMs are generated one after
 * another and one VM step at a time, so ten million events need no more memory than one step. Every event's
 * {@code source} is {@code GeneratorPosition(seed, index)} with {@code index} its 0-based position in the stream;
 * timestamps strictly increase across the whole stream.
 */
public final class BootLogGenerator {
    /** BDF of the VFIO device every generated VM has assigned (the one doing DMA and registering non-coherency). */
    public static final String ASSIGNED_DEVICE = "0000:01:00.0";

    private BootLogGenerator() {
    }

    public static Iterator<MtrrEvent> iterator(GeneratorSpec spec) {
        return new EventIterator(spec);
    }

    public static Stream<MtrrEvent> stream(GeneratorSpec spec) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(spec),
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE), false);
    }

    /**
     * Generates {@code spec} into {@code file} in {@code format} (the CLI's {@code mtrr gen}); returns the number of
     * events written.
     */
    public static long write(GeneratorSpec spec, Path file, LogFormat format) throws IOException {
        try (LogWriter out = LogWriter.of(format, new BufferedWriter(
                new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16))) {
            return out.writeAll(iterator(spec));
        }
    }

    /** VM id of the {@code index}-th VM: prefix + index zero-padded to the width of the largest index. */
    static String vmId(GeneratorSpec spec, int index) {
        int width = Integer.toString(spec.vms() - 1).length();
        StringBuilder id = new StringBuilder(spec.vmIdPrefix());
        String digits = Integer.toString(index);
        for (int i = digits.length(); i < width; i++) {
            id.append('0');
        }
        return id.append(digits).toString();
    }

    private static final class EventIterator implements Iterator<MtrrEvent> {
        private final GeneratorSpec spec;
        private final SplittableRandom root;
        private final Clock clock;
        private final Deque<MtrrEvent> buffer = new ArrayDeque<>();
        private VmBoot current;
        private int vmIndex;
        private long index;

        EventIterator(GeneratorSpec spec) {
            this.spec = spec;
            this.root = new SplittableRandom(spec.seed());
            this.clock = new Clock(spec.startTimeNs());
        }

        @Override
        public boolean hasNext() {
            while (buffer.isEmpty()) {
                if (current == null || !current.step()) {
                    if (vmIndex == spec.vms()) {
                        return false;
                    }
                    current = startVm(vmIndex++);
                }
            }
            return true;
        }

        private VmBoot startVm(int i) {
            SplittableRandom rnd = root.split();
            VmProfile profile = new VmProfile(spec.vcpus().pick(rnd), spec.firmware().pick(rnd),
                    MemoryLayout.of(spec.machine(), spec.ramBytes(), spec.maxPhysAddr()), ASSIGNED_DEVICE);
            clock.pause(rnd, 1_000, 50_000);
            return new VmBoot(spec, new VmSink(vmId(spec, i), profile, spec.scenarios().tcg(), clock, rnd,
                    buffer));
        }

        @Override
        public MtrrEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            MtrrEvent e = buffer.poll();
            e.setSource(new GeneratorPosition(spec.seed(), index++));
            return e;
        }
    }
}
