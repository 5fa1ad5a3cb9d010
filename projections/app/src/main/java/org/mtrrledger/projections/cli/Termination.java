package org.mtrrledger.projections.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * SIGTERM and SIGINT as a request to stop, for the long-running commands ({@code run}, {@code serve}): the first
 * one calls {@code stop}, the command finishes its clean shutdown and exits 0 (with only a shutdown hook, the JVM
 * would exit 143 however cleanly it stopped); a second one while stopping exits at once with 128 + the signal.
 * Closing restores the previous handlers.
 *
 * <p>Only {@code sun.misc.Signal} (module jdk.unsupported, exported for exactly this) installs a signal handler. It
 * is reached reflectively so that compiling against it raises no "internal proprietary API" warning.
 */
final class Termination implements AutoCloseable {
    private static final Class<?> SIGNAL;
    private static final Class<?> HANDLER;
    private static final Method HANDLE;
    private static final Method NUMBER;

    static {
        try {
            SIGNAL = Class.forName("sun.misc.Signal");
            HANDLER = Class.forName("sun.misc.SignalHandler");
            HANDLE = SIGNAL.getMethod("handle", SIGNAL, HANDLER);
            NUMBER = SIGNAL.getMethod("getNumber");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final List<Object> signals = new ArrayList<>();
    private final List<Object> previous = new ArrayList<>();
    private volatile boolean requested;

    private Termination(Runnable stop) {
        InvocationHandler onSignal = (proxy, method, args) -> {
            if (!method.getName().equals("handle")) {
                return method.invoke(this, args);
            }
            if (requested) {
                Runtime.getRuntime().halt(128 + (int) NUMBER.invoke(args[0]));
            }
            requested = true;
            stop.run();
            return null;
        };
        Object handler = Proxy.newProxyInstance(HANDLER.getClassLoader(), new Class<?>[] {HANDLER}, onSignal);
        for (String name : List.of("TERM", "INT")) {
            try {
                Object s = SIGNAL.getConstructor(String.class).newInstance(name);
                signals.add(s);
                previous.add(HANDLE.invoke(null, s, handler));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot handle SIG" + name + ": " + e.getMessage(), e);
            }
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
            try {
                HANDLE.invoke(null, signals.get(i), previous.get(i));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot restore a signal handler: " + e.getMessage(), e);
            }
        }
    }
}
