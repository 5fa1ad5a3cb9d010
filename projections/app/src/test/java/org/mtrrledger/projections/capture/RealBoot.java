package org.mtrrledger.projections.capture;

import org.mtrrledger.projections.RepoRoot;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the real-boot tests boot: Debian's SeaBIOS and cloud kernel under Debian's QEMU. They are part of the suite,
 * so a machine without them fails with what to install ({@code bin/test} and {@code .ci/run} install them), rather
 * than skipping.
 */
public final class RealBoot {
    /** The environment variable naming the kernel image; {@code bin/test} sets it. */
    public static final String ENV_KERNEL = "MTRR_TEST_KERNEL";

    private RealBoot() {
    }

    /** A small real boot: SeaBIOS + Linux on q35 with 2 vCPUs and 1 GiB. */
    public static CaptureSpec seabios2Vcpus(String vm, boolean noncoherentDma, TracedWrites traced, String until) {
        requireTools();
        return new CaptureSpec("qemu-system-x86_64", FirmwareImage.named("seabios"), kernel(), 2, 1024, "q35",
                "qemu64", null, noncoherentDma, vm, Duration.ofMinutes(20), traced, true, until);
    }

    static void requireTools() {
        for (String tool : new String[] {"qemu-system-x86_64", "cc"}) {
            if (MtrrCapture.commandOutput(java.util.List.of("sh", "-c", "command -v " + tool)).isBlank()) {
                fail(tool + " is missing: the real-boot tests need Debian's qemu-system-x86, seabios and gcc "
                        + "(bin/test installs them)");
            }
        }
    }

    /** {@link #ENV_KERNEL}, else what {@code bin/debian-kernel} fetches into the build's target directory. */
    public static Path kernel() {
        String env = System.getenv(ENV_KERNEL);
        if (env != null && !env.isBlank()) {
            Path k = Path.of(env);
            assertTrue(Files.isRegularFile(k), ENV_KERNEL + "=" + env + " is not a file");
            return k;
        }
        Path root = RepoRoot.resolve(".");
        try {
            Process p = new ProcessBuilder(root.resolve("bin/debian-kernel").toString(),
                    root.resolve("target/kernels").toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0 || out.isEmpty()) {
                fail("no kernel image: set " + ENV_KERNEL + " or let bin/debian-kernel fetch one (needs apt)");
            }
            return Path.of(out);
        } catch (IOException e) {
            return fail("bin/debian-kernel: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    /** Progress that goes nowhere: the tests assert on results, not on what a terminal shows. */
    public static final MtrrCapture.Progress QUIET = new MtrrCapture.Progress() {
        @Override
        public void update(String phase, Duration elapsed, int vcpusSeen, int writes) {
        }

        @Override
        public void note(String message) {
        }
    };
}
