package org.mtrrledger.engine.pipeline;

import org.mtrrledger.events.model.EventRef;
import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.avro.MtrrEvent;

/**
 * A read-side computation that runs inside the fold loop, after {@link org.mtrrledger.engine.fold.Fold} (the
 * projections module implements it: zap policies and hazards). Like the fold it must be deterministic and free of
 * I/O, so live consumption, rebuild and time travel produce the same records.
 */
public interface Projection {
    /** The state of a VM before its first event. */
    ProjectionState initial(String vm);

    ProjectionState decode(byte[] bytes);

    /** Advances {@code state} past one event whose fold produced {@code step} and left {@code vm}. */
    List<ProjectionRecord> project(ProjectionState state, VmState vm, EventRef ref, MtrrEvent event, FoldStep step);

    /** For a store without projections. */
    Projection NONE = new Projection() {
        private final ProjectionState empty = new ProjectionState() {
            @Override
            public byte[] encode() {
                return new byte[0];
            }

            @Override
            public ProjectionState copy() {
                return this;
            }
        };

        @Override
        public ProjectionState initial(String vm) {
            return empty;
        }

        @Override
        public ProjectionState decode(byte[] bytes) {
            return empty;
        }

        @Override
        public List<ProjectionRecord> project(ProjectionState state, VmState vm, EventRef ref, MtrrEvent event,
                FoldStep step) {
            return List.of();
        }
    };
}
