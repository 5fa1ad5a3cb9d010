package org.mtrrledger.projections.zap;

import org.mtrrledger.events.model.GfnRange;

/**
 * One {@code kvm_zap_gfn_range()} call a policy issues for an event, with the rule that fired. A degenerate call
 * (end <= start) is kept in its place in the list: KVM WARNs and zaps nothing.
 */
public record Zap(GfnRange range, String rule) {
    public boolean degenerate() {
        return range.degenerate();
    }
}
