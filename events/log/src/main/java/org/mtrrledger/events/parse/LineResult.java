package org.mtrrledger.events.parse;

import org.mtrrledger.events.avro.MtrrEvent;

/** What a {@link LineDecoder} made of one line. */
sealed interface LineResult {
    /** The line is an event (source not yet set). */
    record Emit(MtrrEvent event) implements LineResult {
    }

    /** The line is fine but carries no event. */
    record Skip(SkipKind kind) implements LineResult {
    }

    /** The line is bad; {@code reason} says what was wrong and what was expected. */
    record Reject(String reason) implements LineResult {
    }

    /**
     * The line shows the whole file cannot be read faithfully (a host trace whose VMs cannot be told apart): the
     * parse stops whatever the {@link BadLinePolicy}, since skipping lines would not make the rest right.
     */
    record Refuse(String reason) implements LineResult {
    }

    Skip BLANK = new Skip(SkipKind.BLANK);
    Skip COMMENT = new Skip(SkipKind.COMMENT);
}
