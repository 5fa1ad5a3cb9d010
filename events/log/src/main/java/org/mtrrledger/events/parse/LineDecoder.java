package org.mtrrledger.events.parse;

/**
 * Turns one line into a {@link LineResult}. Stateful per file (the ftrace decoder remembers threads and the current
 * VM), so one instance per {@link ParsedLog}. Must never throw for any input text: everything bad is a
 * {@link LineResult.Reject}.
 */
interface LineDecoder {
    LineResult decode(String line);
}
