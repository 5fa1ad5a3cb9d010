package org.mtrrledger.events.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.GeneratorSpec;

/**
 * Avro 1.12's class trust is global to the JVM and, through its system properties, fixed when Avro's validator is
 * first used. The codec must work whatever touched Avro first; this needs a fresh JVM (the test JVM is shared by
 * every test class, and whichever ran first decides), so the scenario runs in a child process.
 */
class EventCodecClassTrustTest {

    @Test
    void shouldEncodeAndDecodeWhenEventsWereGeneratedBeforeTheFirstCodec() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), GenerateThenEncode.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("round trip ok"), out);
    }

    /** Builds an event (the generator touches Avro) before any {@link EventCodec} exists, then round-trips it. */
    public static final class GenerateThenEncode {
        public static void main(String[] args) {
            List<MtrrEvent> events = BootLogGenerator.stream(GeneratorSpec.defaults()).limit(20).toList();
            EventCodec codec = new EventCodec();
            for (MtrrEvent e : events) {
                if (!codec.decode(codec.encode(e)).equals(e)) {
                    throw new AssertionError("round trip changed " + e);
                }
            }
            System.out.println("round trip ok");
        }
    }
}
