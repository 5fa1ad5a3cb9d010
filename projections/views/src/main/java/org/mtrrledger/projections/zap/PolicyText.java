package org.mtrrledger.projections.zap;

/**
 * The rule text {@code "<policy label><suffix>"} of every policy, made once: zaps of fixed wording (a DEF_TYPE
 * write, a CR0.CD toggle, a DMA start/stop: most zaps of a boot) would otherwise concatenate the same string anew.
 */
final class PolicyText {
    private final String[] byCode = new String[PolicyId.values().length];

    PolicyText(String suffix) {
        for (PolicyId p : PolicyId.values()) {
            byCode[p.code] = p.label + suffix;
        }
    }

    String of(PolicyId p) {
        return byCode[p.code];
    }
}
