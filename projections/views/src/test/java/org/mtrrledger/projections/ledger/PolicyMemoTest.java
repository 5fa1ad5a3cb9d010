package org.mtrrledger.projections.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.ProjectionRecord;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.projections.RandomLogs;

/**
 * The policies' memo is working memory only: a ledger gives the same records and the same state bytes whether
 * its memo is warm, or fresh at every event because another projection instance steps it in turn.
 */
class PolicyMemoTest {
    private static final String VM = "vm-memo";

    @Test
    void shouldProjectTheSameWhetherTheMemoIsWarmOrFreshAtEveryEvent() {
        List<MtrrEvent> log = RandomLogs.of(VM, 77, 1500, 4);
        Pipeline warm = new Pipeline(new PolicyProjection());
        Pipeline[] alternating = {new Pipeline(new PolicyProjection()), new Pipeline(new PolicyProjection())};
        VmLedger a = warm.newLedger(VM);
        VmLedger b = alternating[0].newLedger(VM);
        for (int i = 0; i < log.size(); i++) {
            EventRef ref = new EventRef("t", 0, i);
            List<byte[]> expected = values(warm.step(a, ref, log.get(i)).records());
            List<byte[]> actual = values(alternating[i % 2].step(b, ref, log.get(i)).records());
            assertEquals(expected.size(), actual.size(), "records at offset " + i);
            for (int k = 0; k < expected.size(); k++) {
                assertArrayEquals(expected.get(k), actual.get(k), "record " + k + " at offset " + i);
            }
        }
        assertArrayEquals(a.encode(), b.encode());
        assertEquals(PolicyProjection.stateOf(a), PolicyProjection.stateOf(b));
    }

    @Test
    void shouldCopyALedgerWithWhatItsMemoDeferredApplied() {
        List<MtrrEvent> log = RandomLogs.of(VM, 78, 1500, 4);
        PolicyProjection p = new PolicyProjection();
        Pipeline pipeline = new Pipeline(p);
        VmLedger a = pipeline.newLedger(VM);
        for (int i = 0; i < log.size(); i++) {
            pipeline.step(a, new EventRef("t", 0, i), log.get(i));
            if (i % 97 == 0) {
                // copy first: the copy must not depend on an encode having settled the original
                VmLedger copy = a.copy();
                assertEquals(PolicyProjection.stateOf(VmLedger.decode(a.encode(), p)), PolicyProjection.stateOf(copy),
                        "copy after offset " + i);
            }
        }
    }

    @Test
    void shouldRefuseTheStateOfALedgerAnotherProjectionMade() {
        VmLedger foldOnly = new Pipeline(Projection.NONE).newLedger(VM);
        assertThrows(ClassCastException.class, () -> PolicyProjection.stateOf(foldOnly));
        assertThrows(ClassCastException.class, () -> foldOnly.projection(new PolicyProjection()));
    }

    private static List<byte[]> values(List<ProjectionRecord> records) {
        List<byte[]> out = new ArrayList<>();
        for (ProjectionRecord r : records) {
            out.add(r.value());
        }
        return out;
    }
}
