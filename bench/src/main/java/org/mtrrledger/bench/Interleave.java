package org.mtrrledger.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
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

/**
 * A JSON Lines log with its VMs interleaved as on a host: each VM's lines keep their order, and at every step the next
 * line comes from a VM drawn at random among those with lines left (so the VMs run side by side and the longer ones
 * last longer). The fleets {@code bench/run} generates are written VM after VM; this is what a host's trace of the
 * same VMs looks like to the engine. Deterministic for a seed; the whole log is held in memory (the 1M fleet: about
 * 400 MB of heap).
 * {@code java -Xmx2g -cp "bench/target/classes:bench/target/lib/*" org.mtrrledger.bench.Interleave IN OUT [seed]}
 */
final class Interleave {
    private static final Pattern VM = Pattern.compile("\"vm\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private Interleave() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: Interleave IN.jsonl OUT.jsonl [seed]");
            System.exit(2);
        }
        long seed = args.length == 3 ? Long.parseLong(args[2]) : 7;
        Map<String, ArrayDeque<String>> byVm = new LinkedHashMap<>();
        long lines = 0;
        try (BufferedReader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Matcher m = VM.matcher(line);
                byVm.computeIfAbsent(m.find() ? m.group(1) : "", k -> new ArrayDeque<>()).add(line);
                lines++;
            }
        }
        List<ArrayDeque<String>> active = new ArrayList<>(byVm.values());
        SplittableRandom random = new SplittableRandom(seed);
        try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
            while (!active.isEmpty()) {
                int i = random.nextInt(active.size());
                ArrayDeque<String> q = active.get(i);
                out.write(q.poll());
                out.write('\n');
                if (q.isEmpty()) {
                    active.set(i, active.get(active.size() - 1));
                    active.remove(active.size() - 1);
                }
            }
        }
        System.err.printf("interleaved %,d lines of %d VMs into %s%n", lines, byVm.size(), args[1]);
    }
}
