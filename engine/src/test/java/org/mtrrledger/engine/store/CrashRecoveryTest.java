package org.mtrrledger.engine.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What each {@link Durability} leaves behind when the engine process dies without closing the store:
 * a child JVM writes two batches (flushing after the first) and halts. With a WAL both batches
 * survive; without one the store rolls back to the flush, offsets and state together.
 */
class CrashRecoveryTest {

    private static final byte[] OFFSET_KEY = Keys.metaOffsetKey("mtrr-events", 0);
    private static final byte[] STATE_KEY = Keys.vmKey("vm-1");
    private static final int HALT_STATUS = 77;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void shouldRecoverAConsistentOffsetAndStateAfterTheProcessDies(Durability durability) throws Exception {
        Path dir = tmp.resolve("store");
        Path log = tmp.resolve("child.log");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        CrashRecoveryTest.class.getName(), dir.toString(), durability.name())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        assertEquals(HALT_STATUS, child.exitValue(), () -> "child failed:\n" + read(log));

        try (LedgerStore store = LedgerStore.open(dir, OpenMode.PRIMARY, durability)) {
            boolean walKeptTheLastBatch = durability != Durability.NO_WAL;
            long expectedOffset = walKeptTheLastBatch ? 20 : 10;
            assertEquals(Optional.of(expectedOffset), store.getLong(Column.META, OFFSET_KEY));
            assertArrayEquals(state(expectedOffset), store.get(Column.VM_STATE, STATE_KEY),
                    "state must match the stored offset");
        }
    }

    /** The child: two batches, a flush between them, then death without close. */
    public static void main(String[] args) {
        LedgerStore store = LedgerStore.open(Path.of(args[0]), OpenMode.PRIMARY, Durability.valueOf(args[1]));
        try (Batch batch = store.newBatch()) {
            store.write(batch.putLong(Column.META, OFFSET_KEY, 10).put(Column.VM_STATE, STATE_KEY, state(10)));
        }
        store.flush();
        try (Batch batch = store.newBatch()) {
            store.write(batch.putLong(Column.META, OFFSET_KEY, 20).put(Column.VM_STATE, STATE_KEY, state(20)));
        }
        System.out.println("written; halting without close");
        System.out.flush();
        Runtime.getRuntime().halt(HALT_STATUS);
    }

    private static byte[] state(long nextOffset) {
        return ("state before " + nextOffset).getBytes(UTF_8);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "<no log: " + e + ">";
        }
    }
}
