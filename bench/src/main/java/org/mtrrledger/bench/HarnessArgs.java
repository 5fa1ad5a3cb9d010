package org.mtrrledger.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.mtrrledger.events.model.Hex;

/**
 * {@code --key value} pairs of the bench harness's subcommands, driven by {@code bench/run} (the CLI's picocli
 * options are {@code projections.cli}; numbers parse the same way, through {@link Hex#parse}).
 */
final class HarnessArgs {
    private final Map<String, String> values = new HashMap<>();

    HarnessArgs(String[] argv, int from) {
        for (int i = from; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --key value, got '" + argv[i] + "'");
            }
            values.put(argv[i].substring(2), argv[++i]);
        }
    }

    String str(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }

    String str(String key, String def) {
        return values.getOrDefault(key, def);
    }

    long num(String key) {
        return Hex.parse(str(key));
    }

    long num(String key, long def) {
        return values.containsKey(key) ? num(key) : def;
    }

    Path path(String key) {
        return Path.of(str(key));
    }

    boolean has(String key) {
        return values.containsKey(key);
    }
}
