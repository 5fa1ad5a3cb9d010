package org.mtrrledger.engine.consume;

import java.util.Map;

/** Called about once a second while the engine runs: events folded so far, the rate, and lag per partition. */
@FunctionalInterface
public interface EngineProgress {
    void report(long folded, double eventsPerSecond, Map<Integer, Long> lagByPartition);

    EngineProgress NONE = (f, r, l) -> {
    };
}
