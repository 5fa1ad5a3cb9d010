package org.mtrrledger.engine.store;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Output tables declared as a projection declares them ({@link OutputSpec}), with text records, for the store tests:
 * the family names the projections module's zap and hazard outputs use, so these tests exercise the same families.
 */
final class TestOutputs {
    static final ValueCodec<String> TEXT = ValueCodec.of(s -> s.getBytes(StandardCharsets.UTF_8),
            b -> new String(b, StandardCharsets.UTF_8));
    static final OutputSpec<String> ZAPS = OutputSpec.of("zaps", TEXT);
    static final OutputSpec<String> HAZARDS = OutputSpec.of("hazards", TEXT);
    static final List<OutputSpec<?>> BOTH = List.of(ZAPS, HAZARDS);

    private TestOutputs() {
    }
}
