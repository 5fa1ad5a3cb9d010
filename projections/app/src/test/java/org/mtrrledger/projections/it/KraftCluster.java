package org.mtrrledger.projections.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of combined broker+controller nodes on loopback, each a separate JVM running
 * {@code kafka.Kafka server.properties} from this test's class path, with Kafka's production defaults for the
 * internal topics (replication factor 3, min ISR 2). Nodes can be SIGKILLed and restarted on their own log dirs.
 */
final class KraftCluster implements AutoCloseable {
    private final Path dir;
    private final Path logs;
    private final int[] brokerPorts;
    private final Process[] nodes;

    KraftCluster(Path dir, Path logs, int size) {
        this.dir = dir;
        this.logs = logs;
        this.brokerPorts = new int[size];
        this.nodes = new Process[size];
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] controllerPorts = new int[size];
        for (int i = 0; i < size; i++) {
            brokerPorts[i] = freePort();
            controllerPorts[i] = freePort();
        }
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
        }
        String clusterId = Uuid.randomUuid().toString();
        for (int i = 0; i < size; i++) {
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", Integer.toString(i + 1));
            p.setProperty("controller.quorum.voters", String.join(",", voters));
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[i] + ",CONTROLLER://127.0.0.1:"
                    + controllerPorts[i]);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[i]);
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.setProperty("log.dirs", dir.resolve("node-" + (i + 1)).toString());
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            p.setProperty("auto.create.topics.enable", "false");
            // Fewer internal partitions and threads: 2 cores run all three nodes and the test.
            p.setProperty("offsets.topic.num.partitions", "4");
            p.setProperty("transaction.state.log.num.partitions", "4");
            p.setProperty("share.coordinator.state.topic.num.partitions", "1");
            p.setProperty("num.network.threads", "2");
            p.setProperty("num.io.threads", "2");
            p.setProperty("num.replica.fetchers", "1");
            p.setProperty("background.threads", "2");
            p.setProperty("log.cleaner.enable", "false");
            Path config = config(i);
            try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                p.store(w, "node " + (i + 1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            if (code != 0) {
                throw new IllegalStateException("format of node " + (i + 1) + " failed: " + out);
            }
        }
        for (int i = 0; i < size; i++) {
            start(i + 1);
        }
    }

    String bootstrap() {
        List<String> all = new ArrayList<>();
        for (int port : brokerPorts) {
            all.add("127.0.0.1:" + port);
        }
        return String.join(",", all);
    }

    /** Starts (or restarts) node {@code id} (1-based) on its log dir. */
    void start(int id) {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), "kafka.Kafka", config(id - 1).toString());
        try {
            nodes[id - 1] = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("node-" + id + ".log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILLs node {@code id} and waits until its process is gone. */
    void kill(int id) throws InterruptedException {
        nodes[id - 1].destroyForcibly();
        nodes[id - 1].waitFor();
    }

    /** Waits until {@code count} brokers are registered and unfenced. */
    void awaitBrokers(int count, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == count) {
                        return;
                    }
                } catch (Exception e) {
                    // not up yet
                }
                for (int i = 0; i < nodes.length; i++) {
                    if (nodes[i] != null && !nodes[i].isAlive() && nodes[i].exitValue() != 137) {
                        throw new IllegalStateException("node " + (i + 1) + " exited " + nodes[i].exitValue()
                                + "; see " + logs);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(count + " brokers not up within " + timeoutMs + " ms; see " + logs);
                }
                Thread.sleep(200);
            }
        }
    }

    Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return Admin.create(p);
    }

    /** Kills every node and waits for each to exit; an interrupt is kept for the caller, not swallowed. */
    @Override
    public void close() {
        for (Process p : nodes) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
        for (Process p : nodes) {
            if (p != null) {
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private Path config(int index) {
        return dir.resolve("node-" + (index + 1) + ".properties");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "KraftCluster" + List.of(nodes).stream().map(p -> p == null ? "-" : p.isAlive() ? "up" : "down")
                .collect(Collectors.toList());
    }
}
