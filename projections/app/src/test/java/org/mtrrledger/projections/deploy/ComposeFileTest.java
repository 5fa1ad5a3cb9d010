package org.mtrrledger.projections.deploy;

import org.mtrrledger.projections.RepoRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.projections.cli.DataOptions;
import org.mtrrledger.projections.cli.KafkaOptions;
import org.mtrrledger.projections.cli.MtrrCli;
import org.mtrrledger.projections.cli.MtrrConfig;
import org.mtrrledger.projections.it.BrokerFixture;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docker/docker-compose.yml, docker/Dockerfile and the scripts they run agree with the code: environment variable
 * names, topic, ports, main class, JVM flags, Kafka image. No Docker needed: the files are read, not run.
 */
class ComposeFileTest {
    /** `mtrr serve`'s default --port (the command lives on another branch; see serveCommandDefaultPort). */
    static final int SERVE_DEFAULT_PORT = 8080;

    private static final Path ROOT = RepoRoot.resolve(".");
    private static final Path DOCKER = ROOT.resolve("docker");

    private static JsonNode compose;
    private static List<String> dockerfile;

    @BeforeAll
    static void read() throws IOException {
        compose = new YAMLMapper().readTree(DOCKER.resolve("docker-compose.yml").toFile());
        dockerfile = instructions(Files.readString(DOCKER.resolve("Dockerfile")));
    }

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    private static List<String> instructions(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("#") || line.isBlank()) {
                continue;
            }
            String l = line.strip();
            if (l.endsWith("\\")) {
                cur.append(l, 0, l.length() - 1).append(' ');
                continue;
            }
            out.add(cur.append(l).toString());
            cur.setLength(0);
        }
        return out;
    }

    /** The runtime stage's instructions with this keyword (the last FROM onwards). */
    private static List<String> runtime(String keyword) {
        int from = 0;
        for (int i = 0; i < dockerfile.size(); i++) {
            if (dockerfile.get(i).startsWith("FROM ")) {
                from = i;
            }
        }
        List<String> out = new ArrayList<>();
        for (String i : dockerfile.subList(from, dockerfile.size())) {
            if (i.startsWith(keyword + " ")) {
                out.add(i.substring(keyword.length() + 1).strip());
            }
        }
        return out;
    }

    private static List<String> execForm(String json) throws IOException {
        List<String> out = new ArrayList<>();
        new YAMLMapper().readTree(json).forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode service(String name) {
        return service(compose, name);
    }

    /** The compose file's service of that name (which must exist). */
    static JsonNode service(JsonNode compose, String name) {
        JsonNode s = compose.path("services").path(name);
        assertFalse(s.isMissingNode(), "service " + name);
        return s;
    }

    private static Map<String, String> env(String service) {
        Map<String, String> m = new HashMap<>();
        service(service).path("environment").properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    static List<String> texts(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Every MTRR_* name the CLI (or its launchers) reads. */
    private static Set<String> namesTheCodeReads() {
        Set<String> names = new HashSet<>(Set.of(DataOptions.ENV_DATA, MtrrConfig.ENV_CONFIG, "MTRR_JAVA_OPTS",
                "MTRR_DEBUG", "MTRR_HOME"));
        MtrrConfig.KEYS.forEach(k -> names.add(MtrrConfig.envName(k)));
        return names;
    }

    @Test
    void shouldGiveEveryMtrrServiceTheEnvironmentTheCliReads() {
        for (String name : List.of("server", "engine")) {
            Map<String, String> env = env(name);
            assertEquals(Set.of(), difference(env.keySet(), namesTheCodeReads()), name + ": names the CLI ignores");
            assertTrue(env.containsKey(KafkaOptions.ENV_BOOTSTRAP), name);
            assertEquals(EngineConfig.DEFAULT_TOPIC, env.get(KafkaOptions.ENV_TOPIC), name);
            assertEquals(env("server").get(KafkaOptions.ENV_BOOTSTRAP), env.get(KafkaOptions.ENV_BOOTSTRAP));
            // MTRR_DATA: the image's, and the mount point of the service's own volume
            assertEquals(imageEnv().get(DataOptions.ENV_DATA), env.get(DataOptions.ENV_DATA), name);
            String volume = texts(service(name).path("volumes")).stream()
                    .filter(v -> v.endsWith(":" + env.get(DataOptions.ENV_DATA))).findFirst().orElse(null);
            assertNotNull(volume, name + " keeps its store in a volume");
            assertTrue(compose.path("volumes").has(volume.substring(0, volume.indexOf(':'))), "named volume " + volume);
        }
        assertEquals(EngineConfig.DEFAULT_GROUP, env("engine").get(MtrrConfig.envName("group")));
        assertFalse(env("server").get(MtrrConfig.envName("group")).equals(EngineConfig.DEFAULT_GROUP),
                "the server folds every partition: it must not share the engines' group");
        assertFalse(service("server").path("volumes").toString()
                .equals(service("engine").path("volumes").toString()));
    }

    private static <T> Set<T> difference(Set<T> a, Set<T> b) {
        Set<T> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static Map<String, String> imageEnv() {
        Map<String, String> m = new HashMap<>();
        Matcher kv = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)").matcher(String.join(" ", runtime("ENV")));
        while (kv.find()) {
            m.put(kv.group(1), kv.group(2).replace("\"", ""));
        }
        return m;
    }

    /** listener name to port, from a KAFKA_LISTENERS / KAFKA_ADVERTISED_LISTENERS value. */
    private static Map<String, String> listeners(String value) {
        Map<String, String> m = new HashMap<>();
        for (String l : value.split(",")) {
            Matcher x = Pattern.compile("(\\w+)://([^:]*):(\\d+)").matcher(l.strip());
            assertTrue(x.matches(), l);
            m.put(x.group(1), x.group(2) + ":" + x.group(3));
        }
        return m;
    }

    @Test
    void shouldRunKafkaInKraftCombinedModeWithListenersTheClientsUse() throws IOException {
        Map<String, String> kafka = env("kafka");
        assertEquals(BrokerFixture.KAFKA_IMAGE, service("kafka").path("image").asText(),
                "compose and the Testcontainers fixture run the same Kafka");
        assertTrue(BrokerFixture.KAFKA_IMAGE.startsWith("apache/kafka:4."));
        assertEquals("broker,controller", kafka.get("KAFKA_PROCESS_ROLES"));
        for (String k : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
            assertEquals("1", kafka.get(k), k);
        }
        assertEquals("0", kafka.get("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"));

        Map<String, String> bound = listeners(kafka.get("KAFKA_LISTENERS"));
        Map<String, String> advertised = listeners(kafka.get("KAFKA_ADVERTISED_LISTENERS"));
        Set<String> protocols = new HashSet<>();
        for (String p : kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").split(",")) {
            protocols.add(p.substring(0, p.indexOf(':')));
        }
        assertTrue(protocols.containsAll(bound.keySet()), "every listener has a protocol");
        String controller = kafka.get("KAFKA_CONTROLLER_LISTENER_NAMES");
        assertTrue(bound.containsKey(controller));
        assertEquals(kafka.get("KAFKA_NODE_ID") + "@kafka:" + port(bound.get(controller)),
                kafka.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
        assertFalse(advertised.containsKey(controller), "controllers are not advertised to clients");
        assertTrue(advertised.containsKey(kafka.get("KAFKA_INTER_BROKER_LISTENER_NAME")));

        // internal: what the mtrr services bootstrap from
        String bootstrap = env("server").get(KafkaOptions.ENV_BOOTSTRAP);
        String internal = listenerAdvertising(advertised, bootstrap);
        assertEquals(port(bootstrap), port(bound.get(internal)));

        // external: README's `--bootstrap localhost:9092`, published on the host's loopback only
        Set<String> readmePorts = new LinkedHashSet<>();
        Matcher m = Pattern.compile("--bootstrap localhost:(\\d+)").matcher(Files.readString(ROOT.resolve("README.md")));
        while (m.find()) {
            readmePorts.add(m.group(1));
        }
        assertEquals(1, readmePorts.size(), "README names one host bootstrap port: " + readmePorts);
        String hostPort = readmePorts.iterator().next();
        String external = listenerAdvertising(advertised, "localhost:" + hostPort);
        assertTrue(texts(service("kafka").path("ports")).contains("127.0.0.1:" + hostPort + ":"
                + port(bound.get(external))), "kafka publishes " + hostPort + " on 127.0.0.1");
        assertTrue(service("kafka").path("healthcheck").path("test").toString().contains(bootstrap));
    }

    private static String listenerAdvertising(Map<String, String> advertised, String hostPort) {
        return advertised.entrySet().stream().filter(e -> e.getValue().equals(hostPort)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("no listener advertises " + hostPort));
    }

    private static String port(String hostPort) {
        return hostPort.substring(hostPort.lastIndexOf(':') + 1);
    }

    @Test
    void shouldServeOnOnePortEverywhere() throws IOException {
        String p = Integer.toString(SERVE_DEFAULT_PORT);
        assertEquals(List.of(p), runtime("EXPOSE"));
        List<String> cmd = execForm(runtime("CMD").get(0));
        assertEquals(List.of("serve", "--host", "0.0.0.0", "--port", p), cmd);
        assertEquals(cmd, texts(service("server").path("command")));
        assertTrue(runtime("HEALTHCHECK").get(0).endsWith("CMD [\"/opt/mtrr/bin/healthcheck\", \"" + p + "\"]"),
                runtime("HEALTHCHECK").toString());
        assertEquals(List.of("127.0.0.1:" + p + ":" + p), texts(service("server").path("ports")));
        assertEquals(List.of("run"), texts(service("engine").path("command")));
        assertTrue(service("engine").path("healthcheck").path("disable").asBoolean(), "run serves no /healthz");
        for (String s : List.of("server", "engine")) {
            assertEquals("service_healthy", service(s).path("depends_on").path("kafka").path("condition").asText());
            assertEquals("..", service(s).path("build").path("context").asText());
            assertEquals("docker/Dockerfile", service(s).path("build").path("dockerfile").asText());
        }
    }

    /** `serve`'s --port default must be the one the image exposes. */
    @Test
    void shouldDefaultServesPortToTheOneTheImageExposes() {
        CommandLine serve = MtrrCli.commandLine(n -> null).getSubcommands().get("serve");
        assertNotNull(serve, "mtrr has no `serve` command");
        OptionSpec port = serve.getCommandSpec().findOption("--port");
        assertNotNull(port);
        Object initial = port.defaultValue() != null ? port.defaultValue() : port.initialValue();
        assertEquals(Integer.toString(SERVE_DEFAULT_PORT), String.valueOf(initial));
    }

    @Test
    void shouldRunTheCliMainClassWithBinMtrrsJvmFlagsAsANonRootUser() throws Exception {
        assertEquals(List.of("[\"/opt/mtrr/bin/mtrr\"]"), runtime("ENTRYPOINT"));
        assertTrue(dockerfile.stream().anyMatch(i -> i.startsWith("COPY docker/mtrr docker/healthcheck /opt/mtrr/bin/")));
        String entry = Files.readString(DOCKER.resolve("mtrr"));
        String launcher = Files.readString(ROOT.resolve("bin").resolve("mtrr"));
        String main = mainClass(entry);
        assertEquals(mainClass(launcher), main);
        Method m = Class.forName(main).getMethod("main", String[].class);
        assertTrue(Modifier.isStatic(m.getModifiers()));
        assertEquals(jvmFlags(launcher), jvmFlags(entry));

        assertEquals(List.of("mtrr:mtrr"), runtime("USER"));
        assertEquals(List.of("[\"" + imageEnv().get(DataOptions.ENV_DATA) + "\"]"), runtime("VOLUME"));
        assertTrue(dockerfile.get(0).startsWith("FROM maven:3.9-eclipse-temurin-17 AS build"));
        assertEquals(List.of("eclipse-temurin:17-jre"), runtime("FROM"));
    }

    private static String mainClass(String script) {
        Matcher m = Pattern.compile("\\s(org\\.mtrrledger\\.[\\w.]+)\\s+\"\\$@\"").matcher(script);
        assertTrue(m.find(), script);
        return m.group(1);
    }

    /** The JVM flags of the script's {@code exec java} line (and its continuation). */
    private static Set<String> jvmFlags(String script) {
        int exec = script.indexOf("exec java ");
        assertTrue(exec >= 0, script);
        Set<String> flags = new HashSet<>();
        Matcher m = Pattern.compile("(-D\\S+|\\$\\{MTRR_JAVA_OPTS:-[^}]*})").matcher(script.substring(exec));
        while (m.find()) {
            flags.add(m.group(1));
        }
        assertFalse(flags.isEmpty());
        return flags;
    }

    /** docker/healthcheck, run here against a stand-in server: 200 is healthy; 503 and a closed port are not. */
    @Test
    void shouldCallTheHealthzStatusHealthyOnlyWhenItIs200() throws Exception {
        int[] status = {200};
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/healthz", ex -> {
            byte[] body = "ok\n".getBytes();
            ex.sendResponseHeaders(status[0], body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            assertEquals(0, healthcheck(port));
            status[0] = 503;
            assertEquals(1, healthcheck(port));
        } finally {
            server.stop(0);
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertEquals(1, healthcheck(closed));
    }

    private static int healthcheck(int port) throws Exception {
        Process p = new ProcessBuilder("bash", DOCKER.resolve("healthcheck").toString(), Integer.toString(port))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "healthcheck finished");
        return p.exitValue();
    }
}
