package org.mtrrledger.projections.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One QEMU run whose log is read while it is being written, so progress is live and a multi-gigabyte log never has
 * to fit anywhere. The run is bounded by a deadline, and a JVM shutdown (Ctrl-C, SIGTERM) kills QEMU: nothing is left
 * running.
 */
final class QemuRun {
    /** How long to wait for more log when QEMU is still running and nothing new has been written. */
    private static final long IDLE_WAIT_MS = 20;

    private QemuRun() {
    }

    /**
     * Runs {@code argv} (which names {@code log} as its {@code -D} file) and hands every complete log line to
     * {@code lines}; {@code tick} is called about once a second, and when {@code enough} then says true QEMU is
     * stopped and the rest of its log read, as if the guest had ended there.
     *
     * @throws CaptureFailure if QEMU cannot start, exits with an error, or outlives {@code deadlineNanos}
     */
    static void run(List<String> argv, Path log, Path stderr, long deadlineNanos, Consumer<String> lines,
            Runnable tick, java.util.function.BooleanSupplier enough) {
        Process qemu;
        try {
            Files.deleteIfExists(log);
            qemu = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new CaptureFailure("cannot start " + argv.get(0) + ": " + e.getMessage()
                    + " (Debian package qemu-system-x86)");
        }
        Thread killer = new Thread(qemu::destroyForcibly, "qemu-killer");
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            boolean stopped = follow(qemu, log, deadlineNanos, lines, tick, enough);
            int code = qemu.waitFor();
            if (code != 0 && !stopped) {
                throw new CaptureFailure("QEMU exited with status " + code + ": " + lastLines(stderr));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureFailure("interrupted");
        } finally {
            qemu.destroyForcibly();
            try {
                qemu.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: QEMU is being killed either way
            }
        }
    }

    /** @return whether {@code enough} stopped QEMU */
    private static boolean follow(Process qemu, Path log, long deadlineNanos, Consumer<String> lines, Runnable tick,
            java.util.function.BooleanSupplier enough) throws InterruptedException {
        boolean stopped = false;
        LineSplitter splitter = new LineSplitter(lines);
        byte[] buf = new byte[1 << 16];
        long nextTick = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        InputStream in = null;
        try {
            while (true) {
                if (in == null && Files.exists(log)) {
                    in = Files.newInputStream(log);
                }
                int n = in == null ? 0 : in.read(buf);
                if (n > 0) {
                    splitter.accept(buf, n);
                } else if (!qemu.isAlive()) {
                    if (in == null && Files.exists(log)) {
                        continue;
                    }
                    break;
                } else {
                    Thread.sleep(IDLE_WAIT_MS);
                }
                long now = System.nanoTime();
                if (now >= nextTick) {
                    tick.run();
                    nextTick = now + TimeUnit.SECONDS.toNanos(1);
                    if (!stopped && enough.getAsBoolean()) {
                        stopped = true;
                        qemu.destroy();
                        qemu.waitFor();
                    }
                }
                if (now >= deadlineNanos) {
                    qemu.destroyForcibly();
                    throw new CaptureFailure("time limit reached; QEMU was stopped (raise --time-limit)");
                }
            }
            splitter.finish();
            return stopped;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // read-only stream of a log we are done with
                }
            }
        }
    }

    private static String lastLines(Path file) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join(" | ", all.subList(Math.max(0, all.size() - 3), all.size())).strip();
        } catch (IOException e) {
            return "(no output)";
        }
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Splits a byte stream into lines; a line cut by the end of what has been written so far waits for its rest. */
    private static final class LineSplitter {
        private final Consumer<String> lines;
        private byte[] partial = new byte[256];
        private int partialLength;

        LineSplitter(Consumer<String> lines) {
            this.lines = lines;
        }

        void accept(byte[] buf, int n) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    emit(buf, start, i);
                    start = i + 1;
                }
            }
            append(buf, start, n);
        }

        void finish() {
            if (partialLength > 0) {
                lines.accept(new String(partial, 0, partialLength, StandardCharsets.ISO_8859_1));
                partialLength = 0;
            }
        }

        private void emit(byte[] buf, int from, int to) {
            if (partialLength == 0) {
                lines.accept(new String(buf, from, to - from, StandardCharsets.ISO_8859_1));
                return;
            }
            append(buf, from, to);
            lines.accept(new String(partial, 0, partialLength, StandardCharsets.ISO_8859_1));
            partialLength = 0;
        }

        private void append(byte[] buf, int from, int to) {
            int len = to - from;
            if (partialLength + len > partial.length) {
                partial = java.util.Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + len));
            }
            System.arraycopy(buf, from, partial, partialLength, len);
            partialLength += len;
        }
    }
}
