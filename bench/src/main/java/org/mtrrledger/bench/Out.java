package org.mtrrledger.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One JVM's result file: kind, size label, machine, raw runs and extra facts. */
final class Out {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final Map<String, Object> root = new LinkedHashMap<>();
    final List<Map<String, Object>> runs = new ArrayList<>();
    final Map<String, Object> extra = new LinkedHashMap<>();

    Out(String kind, HarnessArgs a) {
        root.put("kind", kind);
        root.put("size", a.str("size", "?"));
        root.put("machine", Env.machine());
        root.put("runs", runs);
        root.put("extra", extra);
    }

    Map<String, Object> newRun() {
        Map<String, Object> r = new LinkedHashMap<>();
        runs.add(r);
        return r;
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), root);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static double rate(long events, long nanos) {
        return Math.round(events * 1e9 / nanos);
    }

    static double ms(long nanos) {
        return Stats.round(nanos / 1e6);
    }
}
