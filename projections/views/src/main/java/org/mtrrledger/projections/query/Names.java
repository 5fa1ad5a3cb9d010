package org.mtrrledger.projections.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.mtrrledger.projections.zap.PolicyId;

/** "Did you mean" for a mistyped VM or policy name: the known name nearest to it, ignoring case. */
public final class Names {
    private Names() {
    }

    /**
     * {@code " (did you mean 'x'?)"} for the known name with the fewest single-character edits from {@code given}
     * (case-insensitive), when that is at most a third of its length (at least 2); else the empty string.
     */
    public static String didYouMean(String given, Collection<String> known) {
        String g = given.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(g, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, g.length() / 3) ? " (did you mean '" + best + "'?)" : "";
    }

    /** The policy labelled {@code label} (any case), or an error suggesting the nearest one and listing them all. */
    public static PolicyId policy(String label) {
        try {
            return PolicyId.named(label);
        } catch (IllegalArgumentException e) {
            List<String> labels = new ArrayList<>();
            for (PolicyId p : PolicyId.values()) {
                labels.add(p.label);
            }
            throw new IllegalArgumentException("unknown policy '" + label + "'" + didYouMean(label, labels)
                    + "; one of " + String.join(", ", labels));
        }
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1,
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
