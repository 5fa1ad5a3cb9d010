package org.mtrrledger.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** What machine and JVM a result was measured on, and process/disk sizes. */
final class Env {
    private Env() {
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", OffsetDateTime.now(ZoneOffset.UTC).withNano(0).toString());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("mem_total_mib", meminfoMib("MemTotal"));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
        m.put("loadavg_at_start", loadavg());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        return m;
    }

    /** /proc/loadavg's 1/5/15-minute averages: other processes on the machine skew every number. */
    static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("?");
        } catch (IOException | UncheckedIOException e) {
            return "?";
        }
    }

    private static long meminfoMib(String key) {
        return procKib(Path.of("/proc/meminfo"), key) >> 10;
    }

    /** A "Key:   123 kB" line of a /proc file, in KiB; -1 if absent. */
    static long procKib(Path file, String key) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(key + ":")).map(l -> l.substring(key.length() + 1).trim())
                    .map(v -> Long.parseLong(v.split("\\s+")[0])).findFirst().orElse(-1L);
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    static long rssKib() {
        return procKib(Path.of("/proc/self/status"), "VmRSS");
    }

    static long peakRssKib() {
        return procKib(Path.of("/proc/self/status"), "VmHWM");
    }

    /** Bytes of all regular files under {@code dir} (apparent size, like {@code du -b}). */
    static long du(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException gone) {
                    return 0; // deleted while we walked
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /**
     * Bytes of the record data of a topic: its segment {@code .log} files. Kafka preallocates 10 MiB
     * {@code .index}/{@code .timeindex} files per active segment (sparse), which would dominate a small topic's
     * apparent size; see {@link #topicAllocatedBytes} for what the disk really holds.
     */
    static long topicLogBytes(Path brokerData, String topic) {
        long sum = 0;
        for (Path d : topicDirs(brokerData, topic)) {
            try (Stream<Path> files = Files.list(d)) {
                sum += files.filter(f -> f.getFileName().toString().endsWith(".log")).mapToLong(f -> {
                    try {
                        return Files.size(f);
                    } catch (IOException gone) {
                        return 0;
                    }
                }).sum();
            } catch (IOException e) {
                return -1;
            }
        }
        return sum;
    }

    /** Allocated bytes ({@code du -sk}) of the topic's partition dirs, indexes included. */
    static long topicAllocatedBytes(Path brokerData, String topic) {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("du", "-sck"));
        topicDirs(brokerData, topic).forEach(d -> cmd.add(d.toString()));
        return duAllocated(cmd);
    }

    /** Allocated bytes ({@code du -sk}) of a directory. */
    static long allocatedBytes(Path dir) {
        return duAllocated(new java.util.ArrayList<>(java.util.List.of("du", "-sck", dir.toString())));
    }

    private static long duAllocated(java.util.List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            String[] lines = out.trim().split("\n");
            return Long.parseLong(lines[lines.length - 1].split("\\s+")[0]) * 1024;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return -1;
        }
    }

    private static java.util.List<Path> topicDirs(Path brokerData, String topic) {
        java.util.List<Path> out = new java.util.ArrayList<>();
        try (Stream<Path> dirs = Files.list(brokerData.resolve("kafka"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String n = d.getFileName().toString();
                if (Files.isDirectory(d) && n.startsWith(topic + "-") && n.substring(topic.length() + 1)
                        .chars().allMatch(Character::isDigit)) {
                    out.add(d);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Apparent bytes of the Kafka log dirs of a topic ({@code <brokerData>/kafka/<topic>-<partition>}). */
    static long topicBytes(Path brokerData, String topic) {
        Path kafka = brokerData.resolve("kafka");
        long sum = 0;
        try (Stream<Path> dirs = Files.list(kafka)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String n = d.getFileName().toString();
                if (Files.isDirectory(d) && n.startsWith(topic + "-") && n.substring(topic.length() + 1)
                        .chars().allMatch(Character::isDigit)) {
                    sum += du(d);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return sum;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
