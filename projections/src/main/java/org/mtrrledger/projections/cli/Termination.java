package org.mtrrledger.projections.cli;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT as a request to stop, for the long-running commands ({@code run}, {@code serve}): the first
 * one calls {@code stop}, the command finishes its clean shutdown and exits 0 (with only a shutdown hook, the JVM
 * would exit 143 however cleanly it stopped); a second one while stopping exits at once with 128 + the signal.
 * Closing restores the previous handlers.
 */
final class Termination implements AutoCloseable {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile boolean requested;

    private Termination(Runnable stop) {
        for (String name : List.of("TERM", "INT")) {
            Signal s = new Signal(name);
            signals.add(s);
            previous.add(Signal.handle(s, sig -> {
                if (requested) {
                    Runtime.getRuntime().halt(128 + sig.getNumber());
                }
                requested = true;
                stop.run();
            }));
        }
    }

    /** Calls {@code stop} (from a signal-dispatch thread) on the first SIGTERM or SIGINT. */
    static Termination onSignal(Runnable stop) {
        return new Termination(stop);
    }

    /** Whether a signal asked the command to stop. */
    boolean requested() {
        return requested;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
