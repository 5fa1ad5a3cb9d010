package org.mtrrledger.projections.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.testing.Gens;
import org.mtrrledger.projections.InMemoryRun;
import org.mtrrledger.projections.RandomLogs;
import org.mtrrledger.projections.StoreFixture;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.memtype.KvmMtrrResolver;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;

/**
 * Ledgers, snapshots and zaps at a past offset equal those of a fold from offset 0 to it (real RocksDB, checkpoints
 * every 16), with the projection and with the folds alone.
 */
class TimeTravelProjectionTest {
    private static final String VM = "vm-tt";

    @Test
    void shouldAnswerAtAnyOffsetLikeAFoldFromZero() {
        // Every example folds into a RocksDB store: shrinking is bounded so that a failure is reported in minutes.
        qt().withExamples(12).withShrinkCycles(30).forAll(longs().all(), Gens.intsIn(0, 249)).checkAssert((seed, at) -> {
            try {
                assertAnswersAtLikeAFoldFromZero(seed, at);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void assertAnswersAtLikeAFoldFromZero(long seed, int at) throws IOException {
        List<MtrrEvent> log = RandomLogs.of(VM, seed, 250, 3);
        Path dir = Files.createTempDirectory("ttp").resolve("store");
        StoreFixture.fold(dir, log, 16, 37);
        InMemoryRun ref = new InMemoryRun(VM).apply(log.subList(0, at + 1).toArray(new MtrrEvent[0]));
        try (LedgerStore store = LedgerStore.open(dir, OpenMode.READ_ONLY, PolicyProjection.OUTPUTS)) {
            LedgerQueries q = new LedgerQueries(store);
            VmLedger l = q.at(VM, (long) at);
            assertEquals(ref.ledger.vm(), l.vm());
            assertEquals(ref.ledger.perVm(), l.perVm());
            assertEquals(ref.ledger.projection(), l.projection());
            VmLedger folds = q.foldAt(VM, (long) at);
            assertEquals(ref.ledger.vm(), folds.vm(), "the folds alone");
            assertEquals(ref.ledger.perVm(), folds.perVm(), "the folds alone");
            assertEquals(MemtypeSnapshot.of(ref.ledger.vm(), ref.ledger.perVm(), SnapshotTarget.PER_VM, 0, at,
                    KvmMtrrResolver.INSTANCE, KernelEra.V6_7),
                    MemtypeSnapshot.of(folds.vm(), folds.perVm(), SnapshotTarget.PER_VM, 0, at,
                            KvmMtrrResolver.INSTANCE, KernelEra.V6_7));
            for (VcpuState v : l.vm().vcpus()) {
                for (KernelEra era : KernelEra.values()) {
                    SnapshotTarget t = new SnapshotTarget.Vcpu(v.index());
                    assertEquals(MemtypeSnapshot.of(ref.ledger.vm(), ref.ledger.perVm(), t, 0, at,
                            KvmMtrrResolver.INSTANCE, era),
                            MemtypeSnapshot.of(l.vm(), l.perVm(), t, 0, at, KvmMtrrResolver.INSTANCE, era));
                }
            }
            for (PolicyId p : PolicyId.values()) {
                List<ZapRecord> stored = q.zaps(VM, p, 0, at);
                assertEquals(ref.zaps(p), stored, p.label);
                assertEquals(ref.hazards(p), q.hazards(VM, p, 0, at), p.label);
            }
        } finally {
            LedgerStore.destroy(dir);
        }
    }
}
