package org.mtrrledger.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.FleetGenerator;
import org.mtrrledger.events.parse.LogFormat;

class InterleaveTest {
    private static final Pattern VM = Pattern.compile("\"vm\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path dir;

    /**
     * The draw Interleave documents, over the whole log in memory: what the streaming passes must reproduce line for
     * line.
     */
    static List<String> inMemoryDraw(List<String> lines, long seed) {
        Map<String, ArrayDeque<String>> byVm = new LinkedHashMap<>();
        for (String line : lines) {
            byVm.computeIfAbsent(vmOf(line), k -> new ArrayDeque<>()).add(line);
        }
        List<ArrayDeque<String>> active = new ArrayList<>(byVm.values());
        SplittableRandom random = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        while (!active.isEmpty()) {
            int i = random.nextInt(active.size());
            ArrayDeque<String> q = active.get(i);
            out.add(q.poll());
            if (q.isEmpty()) {
                active.set(i, active.get(active.size() - 1));
                active.remove(active.size() - 1);
            }
        }
        return out;
    }

    static String vmOf(String line) {
        Matcher m = VM.matcher(line);
        return m.find() ? m.group(1) : "";
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, List<String>> byVm(List<String> lines) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String line : lines) {
            m.computeIfAbsent(vmOf(line), k -> new ArrayList<>()).add(line);
        }
        return m;
    }

    @Test
    void shouldDrawAsTheInMemoryInterleaveOnAGeneratedFleet() throws IOException {
        Path in = dir.resolve("fleet.jsonl");
        long events = BootLogGenerator.write(FleetGenerator.plan(FleetGenerator.typicalFleet(42), 20_000).spec(), in,
                LogFormat.JSONL);
        List<String> original = lines(in);
        for (long seed : new long[] {7, 42}) {
            Path out = dir.resolve("il-" + seed + ".jsonl");
            Interleave.Summary s = Interleave.interleave(in, out, seed);
            List<String> interleaved = lines(out);
            assertEquals(events, s.lines());
            assertEquals(byVm(original).size(), s.vms());
            assertEquals(inMemoryDraw(original, seed), interleaved);
            assertEquals(byVm(original), byVm(interleaved));
            long switches = 0;
            for (int i = 1; i < interleaved.size(); i++) {
                switches += vmOf(interleaved.get(i)).equals(vmOf(interleaved.get(i - 1))) ? 0 : 1;
            }
            assertTrue(switches > interleaved.size() / 2, "VMs interleaved: " + switches + " switches");
        }
    }

    @Test
    void shouldKeepEachVmsOrderAndEveryLineForAnyContiguousLog() {
        qt().withExamples(300)
                .forAll(lists().of(integers().between(1, 12)).ofSizeBetween(1, 7), longs().all(), longs().all(),
                        integers().between(1, 48))
                .checkAssert((counts, contentSeed, drawSeed, bufferBytes) -> {
                    SplittableRandom r = new SplittableRandom(contentSeed);
                    String lineEnd = r.nextBoolean() ? "\n" : "\r\n";
                    List<String> original = new ArrayList<>();
                    for (int v = 0; v < counts.size(); v++) {
                        String vm = vmName(v, r);
                        for (int i = 0; i < counts.get(v); i++) {
                            original.add(line(vm, i, r));
                        }
                    }
                    String text = String.join(lineEnd, original) + (r.nextBoolean() ? lineEnd : "");
                    try {
                        Path in = Files.writeString(dir.resolve("in.jsonl"), text, StandardCharsets.UTF_8);
                        Path out = dir.resolve("out.jsonl");
                        Interleave.Summary s = Interleave.interleave(in, out, drawSeed, bufferBytes,
                                vms -> bufferBytes);
                        List<String> interleaved = lines(out);
                        assertEquals(original.size(), s.lines());
                        assertEquals(byVm(original), byVm(interleaved));
                        assertEquals(original.stream().sorted().toList(), interleaved.stream().sorted().toList());
                        // Byte for byte: every line ends with \n alone, whatever the input's line ends.
                        assertEquals(String.join("\n", inMemoryDraw(original, drawSeed)) + "\n",
                                Files.readString(out, StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** VM names as JSON writes them: plain, escaped, non-ASCII, or none at all (the VM ""). */
    static String vmName(int v, SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> "vm-" + v;
            case 1 -> "q\\\"" + v;
            case 2 -> "vé" + v + "\u2603";
            case 3 -> "vm-" + v + "\\\\";
            default -> v == 0 ? null : "late-" + v;
        };
    }

    static String line(String vm, int i, SplittableRandom r) {
        String pad = "x".repeat(r.nextInt(90));
        String sep = r.nextBoolean() ? ":" : " : ";
        if (vm == null) {
            return "{\"n\":" + i + ",\"pad\":\"" + pad + "\"}";
        }
        return "{\"vm\"" + sep + "\"" + vm + "\",\"n\":" + i + ",\"pad\":\"" + pad + "\"}";
    }

    @Test
    void shouldRefuseAVmWhoseLinesAreNotContiguousNamingFileAndLine() throws IOException {
        Path in = Files.writeString(dir.resolve("split.jsonl"),
                "{\"vm\":\"a\",\"n\":0}\n{\"vm\":\"a\",\"n\":1}\n{\"vm\":\"b\",\"n\":0}\n{\"vm\":\"a\",\"n\":2}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Interleave.interleave(in, dir.resolve("out.jsonl"), 7));
        assertTrue(e.getMessage().startsWith(in + ":4: VM \"a\""), e.getMessage());
        assertTrue(e.getMessage().contains("lines 1-2"), e.getMessage());
    }

    @Test
    void shouldWriteNothingForAnEmptyLog() throws IOException {
        Path in = Files.writeString(dir.resolve("empty.jsonl"), "");
        Path out = dir.resolve("out.jsonl");
        assertEquals(new Interleave.Summary(0, 0), Interleave.interleave(in, out, 7));
        assertArrayEquals(new byte[0], Files.readAllBytes(out));
    }

    @Test
    void shouldGenerateTheFleetInterleavedWithItsSeedAndLeaveNoTemporaryFile() throws Exception {
        Path plain = dir.resolve("plain.jsonl");
        Path il = dir.resolve("il.jsonl");
        Bench.gen(new HarnessArgs(
                new String[] {"--events", "5000", "--layout", "vm-after-vm", "--file", plain.toString()}, 0));
        Bench.gen(new HarnessArgs(new String[] {"--events", "5000", "--file", il.toString()}, 0));
        assertEquals(inMemoryDraw(lines(plain), 42), lines(il));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(il, plain), files.sorted().toList());
        }
    }
}
