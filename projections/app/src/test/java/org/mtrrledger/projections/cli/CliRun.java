package org.mtrrledger.projections.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.mtrrledger.engine.consume.LogRecord;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.FirmwareChoice;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.gen.NoncoherentDma;
import org.mtrrledger.events.gen.VcpuRange;
import org.mtrrledger.events.testing.Ev;
import org.mtrrledger.projections.StoreFixture;

/**
 * Runs the CLI in-process with System.out/err captured and an empty environment (no MTRR_* leaks in): the one way
 * the tests of every package run {@code mtrr}; {@link #foldGeneratedBoots} also folds a store for the CLI tests.
 */
public record CliRun(int code, String out, String err) {
    /** The key of the poison record {@link #foldGeneratedBoots} appends: a comma, a quote and a line break. */
    static final String POISON_KEY = "vm,\"odd\"\nkey";

    /** {@code mtrr args...}; synchronized because System.out and System.err are the JVM's. */
    public static synchronized CliRun of(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = MtrrCli.commandLine(name -> null).execute(args);
            return new CliRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * Two generated 2-vCPU OVMF boots with non-coherent DMA on partition 0, a VM whose UC hole KVM and the SDM
     * resolve differently (WB 0-4 GiB, UC 3-4 GiB, default UC), then one undecodable record that the fold skips.
     */
    static void foldGeneratedBoots(Path data) {
        GeneratorSpec spec = GeneratorSpec.defaults().withSeed(15).withVms(2).withVcpus(VcpuRange.exactly(2))
                .withFirmware(FirmwareChoice.OVMF).withNoncoherentDma(NoncoherentDma.BEFORE_BOOT);
        EventCodec codec = new EventCodec();
        List<LogRecord> records = new ArrayList<>();
        for (Iterator<MtrrEvent> it = BootLogGenerator.iterator(spec); it.hasNext(); ) {
            MtrrEvent e = it.next();
            records.add(new LogRecord(StoreFixture.TOPIC, 0, records.size(), e.getVm(), codec.encode(e)));
        }
        String hole = "vm-hole";
        for (MtrrEvent e : List.of(Ev.create(hole, 0), Ev.msr(hole, 0, 0x200, 0x6), Ev.msr(hole, 0, 0x201,
                0x3fff00000800L), Ev.msr(hole, 0, 0x202, 0xc0000000L), Ev.msr(hole, 0, 0x203, 0x3fffc0000800L),
                Ev.msr(hole, 0, 0x2ff, 0x800))) {
            records.add(new LogRecord(StoreFixture.TOPIC, 0, records.size(), e.getVm(), codec.encode(e)));
        }
        records.add(new LogRecord(StoreFixture.TOPIC, 0, records.size(), POISON_KEY, new byte[] {1, 2, 3}));
        StoreFixture.fold(data.resolve("store"), records, 100, 50, PoisonPolicy.SKIP);
    }
}
