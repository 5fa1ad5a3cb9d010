package org.mtrrledger.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Medians and percentiles. */
final class Stats {
    private Stats() {
    }

    static double median(List<? extends Number> xs) {
        double[] a = xs.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** Nearest-rank percentile of a sorted array. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** p50/p90/p99/max/mean in milliseconds of latencies given in nanoseconds. */
    static Map<String, Object> latencyMs(long[] nanos) {
        double[] ms = Arrays.stream(nanos).mapToDouble(n -> n / 1e6).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", ms.length);
        m.put("p50_ms", round(percentile(ms, 50)));
        m.put("p90_ms", round(percentile(ms, 90)));
        m.put("p99_ms", round(percentile(ms, 99)));
        m.put("max_ms", round(ms.length == 0 ? Double.NaN : ms[ms.length - 1]));
        m.put("mean_ms", round(Arrays.stream(ms).average().orElse(Double.NaN)));
        return m;
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
