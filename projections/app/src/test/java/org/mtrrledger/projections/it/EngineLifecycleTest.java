package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The long-running commands as an operator meets them, in child JVMs: SIGTERM stops {@code run} and {@code serve}
 * cleanly with exit code 0, and an engine restarted in the same consumer group on the same data dir resumes
 * within seconds, after a SIGKILL as after a clean stop (static group membership: the restarted process takes the
 * dead member's place instead of waiting for its session to expire).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EngineLifecycleTest extends WithEmbeddedBroker {
    private static final String TOPIC = "lifecycle.events";
    private static final int PARTITIONS = 4;
    private static final Path LOGS = ItSupport.logDir(EngineLifecycleTest.class);
    /** README promises resumption within 5 s; CI's 2 shared cores get some slack, a session expiry (45 s) none. */
    private static final long RESUME_BOUND_MS = 12_000;

    @Test
    void shouldExitZeroOnSigtermOfRunAndServe() throws Exception {
        Map<Integer, Long> complete = publish(11L, 8);
        Path runData = dir.resolve("term-run");
        ItSupport.Child run = engine("term-run", runData, "g-term-run");
        try (ItSupport.StoreWatcher w = new ItSupport.StoreWatcher(runData.resolve("store"), dir.resolve("w-run"))) {
            ItSupport.awaitFolded(run, w, TOPIC, complete, Duration.ofSeconds(90));
        }
        assertEquals(0, run.terminate(Duration.ofSeconds(30)), run.output());
        assertTrue(run.stdoutText().contains("folded "), run.output());

        ItSupport.Child serve = ItSupport.startCli(LOGS, "term-serve", List.of("serve", "--port", "0", "--bootstrap",
                broker.bootstrap(), "--topic", TOPIC, "--data", dir.resolve("term-serve").toString(), "--group",
                "g-term-serve"));
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (!serve.stderrText().contains("# serving http://")) {
            if (!serve.process.isAlive() || System.nanoTime() > deadline) {
                fail("serve did not start\n" + serve.output());
            }
            Thread.sleep(100);
        }
        assertEquals(0, serve.terminate(Duration.ofSeconds(30)), serve.output());
    }

    @Test
    void shouldResumeWithinSecondsAfterASigkillAndAfterACleanStop() throws Exception {
        Path data = dir.resolve("restart");
        Map<Integer, Long> complete = publish(21L, 8);
        ItSupport.Child first = engine("restart-0", data, "g-restart");
        try (ItSupport.StoreWatcher w = new ItSupport.StoreWatcher(data.resolve("store"), dir.resolve("w-0"))) {
            ItSupport.awaitFolded(first, w, TOPIC, complete, Duration.ofSeconds(90));
        }
        first.kill();

        complete = publish(22L, 8);
        ItSupport.Child second = engine("restart-1", data, "g-restart");
        long afterKill = timeToResume(second, data, complete);
        assertEquals(0, second.terminate(Duration.ofSeconds(30)), second.output());

        complete = publish(23L, 8);
        ItSupport.Child third = engine("restart-2", data, "g-restart");
        long afterStop = timeToResume(third, data, complete);
        assertEquals(0, third.terminate(Duration.ofSeconds(30)), third.output());
        System.out.printf("[lifecycle] engine start -> new records folded: after SIGKILL %d ms, after SIGTERM %d ms%n",
                afterKill, afterStop);
        assertTrue(afterKill < RESUME_BOUND_MS, "after a SIGKILL the engine resumed only after " + afterKill + " ms");
        assertTrue(afterStop < RESUME_BOUND_MS, "after a clean stop the engine resumed only after " + afterStop + " ms");
    }

    /** The time from the engine's start until the store holds {@code complete}. */
    private static long timeToResume(ItSupport.Child c, Path data, Map<Integer, Long> complete) throws Exception {
        long t0 = c.startedAt;
        try (ItSupport.StoreWatcher w = new ItSupport.StoreWatcher(data.resolve("store"), dir.resolve("w-" + c.name))) {
            ItSupport.awaitFolded(c, w, TOPIC, complete, Duration.ofSeconds(90));
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Publishes a small fleet; returns every partition's next offset after it (what a complete fold stores). */
    private static Map<Integer, Long> publish(long seed, int vms) {
        ItSupport.publish(broker.bootstrap(), TOPIC, PARTITIONS, ItSupport.fleet(seed, vms), 50_000);
        return ItSupport.completeOffsets(ItSupport.recordOffsets(broker.bootstrap(), TOPIC));
    }

    private static ItSupport.Child engine(String name, Path data, String group) {
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap", broker.bootstrap(), "--topic", TOPIC,
                "--data", data.toString(), "--group", group));
        return ItSupport.startCli(LOGS, name, args);
    }
}
