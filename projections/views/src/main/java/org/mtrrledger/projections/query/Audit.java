package org.mtrrledger.projections.query;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.consume.StoredEvent;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;

/**
 * Everything one event did ({@code mtrr audit}, {@code GET /api/vms/{vm}/events/{offset}}): the event with its
 * outcome, and per policy the zaps it caused and the hazards it revealed.
 */
public final class Audit {
    private Audit() {
    }

    /** The stored event and, for every policy in {@link PolicyId} order, its part. */
    public record Result(StoredEvent event, List<PolicyPart> policies) {
    }

    /** The zaps one policy issued and the hazards it left at the event. */
    public record PolicyPart(PolicyId policy, List<ZapRecord> zaps, List<Hazard> hazards) {
    }

    public static Result of(LedgerQueries q, String vm, long offset) {
        StoredEvent e = q.event(vm, offset);
        List<PolicyPart> parts = new ArrayList<>();
        for (PolicyId p : PolicyId.values()) {
            parts.add(new PolicyPart(p, q.zaps(vm, p, offset, offset), q.hazards(vm, p, offset, offset)));
        }
        return new Result(e, parts);
    }
}
