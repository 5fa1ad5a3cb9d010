package org.mtrrledger.engine.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link LedgerStore} attaches to its directory.
 *
 * <p>A sealed type rather than an enum because the secondary mode needs its own directory: RocksDB
 * secondaries keep an info log and replay state there, and two secondaries must not share one.
 * Use {@link #PRIMARY}, {@link #READ_ONLY} or {@link #secondary(Path)}.
 */
public sealed interface OpenMode permits OpenMode.Primary, OpenMode.Secondary, OpenMode.ReadOnly {

    /** The one read-write owner of the store (the engine); creates the store and column families. */
    OpenMode PRIMARY = new Primary();

    /**
     * A read-only view fixed at the moment of opening. Cheap and lock-free; it does not follow later
     * writes of a running primary (use {@link #secondary(Path)} for that). Fails if the store does not
     * exist.
     */
    OpenMode READ_ONLY = new ReadOnly();

    /**
     * A RocksDB secondary instance: reads the primary's files while an engine process holds the primary
     * open, and follows its progress on {@link LedgerStore#catchUp()}.
     *
     * <p>It exists because it is the one safe way for another process to read a store while an engine writes
     * it: {@link #READ_ONLY} is a view fixed at opening, and opening read-only a store whose WAL is being appended
     * is not safe. The commands read stores {@link #READ_ONLY} (no engine runs beside them) or through the engine's
     * own process ({@code serve}); what watches a running engine from outside, as the integration tests do to
     * wait on a child engine's stored offsets, opens a secondary.
     *
     * @param secondaryDir a private directory for this secondary's own files (created if missing);
     *     must differ from the store directory and from any other live secondary's directory
     */
    static OpenMode secondary(Path secondaryDir) {
        return new Secondary(secondaryDir);
    }

    /** Whether this mode may write, flush or compact. */
    boolean writable();

    /** See {@link OpenMode#PRIMARY}. */
    record Primary() implements OpenMode {
        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public String toString() {
            return "PRIMARY";
        }
    }

    /** See {@link OpenMode#READ_ONLY}. */
    record ReadOnly() implements OpenMode {
        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public String toString() {
            return "READ_ONLY";
        }
    }

    /** See {@link OpenMode#secondary(Path)}. */
    record Secondary(Path secondaryDir) implements OpenMode {
        public Secondary {
            Objects.requireNonNull(secondaryDir, "secondaryDir");
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public String toString() {
            return "SECONDARY(" + secondaryDir + ")";
        }
    }
}
