package org.mtrrledger.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker (combined KRaft broker + controller) running inside this JVM, started from
 * Kafka's own server jars ({@link KafkaRaftServer}). It lets {@code mtrr} work without Docker or an installed
 * Kafka while still being a real broker with real transactions.
 *
 * <p>Layout of the data directory:
 * <ul>
 *   <li>{@code <dataDir>/kafka/} the Kafka log dir (also the KRaft metadata log). It is formatted once, when
 *       {@code meta.properties} is absent; later starts reuse it, so the cluster id and every topic and record
 *       persist between runs.</li>
 *   <li>{@code <dataDir>/kafka/mtrr-ports.properties} the broker and controller ports, chosen free on the first
 *       start and reused on every later one, so that clients still running (an engine, a server) reconnect to
 *       a restarted broker by themselves. If a recorded port is taken by another process the start fails naming
 *       the port and this file, rather than silently moving.</li>
 *   <li>{@code <dataDir>/kafka/.lock-mtrr} held with an exclusive {@link FileLock} while the broker runs, so a
 *       second process (or a second broker in this JVM) fails fast with {@link BrokerAlreadyRunningException}
 *       instead of fighting over the log dir.</li>
 *   <li>{@code <dataDir>/broker.properties} the bootstrap address and pid, written atomically once the broker
 *       is ready and deleted on clean close; {@link BrokerLocator} uses it to find this broker.</li>
 * </ul>
 *
 * <p>Settings that matter on a single node (see {@link #brokerProperties}): replication factor and min ISR 1
 * for the internal {@code __consumer_offsets}, {@code __transaction_state} and share-coordinator topics (the
 * defaults of 3 and 2 would make every transactional producer hang in {@code initTransactions()}), no
 * initial rebalance delay, no topic auto-creation (a typo must not silently create an audit log), and
 * unlimited default retention (this broker is the store of record, not a cache).
 *
 * <p>Durability: with a single replica, an acknowledged record is in the OS page cache; Kafka recovers its
 * log after an unclean shutdown, but a power loss can lose what was not yet flushed by the OS.
 */
public final class EmbeddedBroker implements AutoCloseable {

    static {
        // Under slf4j-simple the broker logs its whole configuration at INFO on every start; warn unless a level
        // was set (the events library's KafkaLogDefaults does the same for the clients). It must happen before
        // Kafka's classes create their loggers.
        for (String logger : List.of("kafka", "org.apache.kafka", "state.change.logger", "kafka.request.logger")) {
            System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log." + logger, "warn");
        }
    }

    /** Name of the Kafka log dir inside the data directory. */
    public static final String LOG_DIR_NAME = "kafka";
    /** Name of the lock file inside the Kafka log dir. */
    public static final String LOCK_FILE_NAME = ".lock-mtrr";
    /** Name of the file inside the Kafka log dir that keeps the ports of this data directory. */
    public static final String PORTS_FILE_NAME = "mtrr-ports.properties";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;
    /** Lock files held by brokers of this JVM (absolute, normalised paths). */
    private static final Set<Path> LOCKED_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path dataDir;
    private final Path logDir;
    private final String clusterId;
    private final String bootstrap;
    private final BrokerInfo info;
    private final KafkaRaftServer server;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private EmbeddedBroker(Path dataDir, Path logDir, String clusterId, String bootstrap, KafkaRaftServer server,
                           FileChannel lockChannel, FileLock lock) {
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.clusterId = clusterId;
        this.bootstrap = bootstrap;
        this.server = server;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.info = new BrokerInfo(bootstrap, ProcessHandle.current().pid(), clusterId, Instant.now());
    }

    /**
     * Starts a broker on {@code <dataDir>/kafka}, formatting it first if it has never been formatted, and
     * returns once the broker answers {@code describeCluster} with itself.
     *
     * @throws BrokerAlreadyRunningException if another broker holds the data directory
     * @throws IllegalStateException         if formatting or start-up fails (the message names the data dir)
     */
    public static EmbeddedBroker start(Path dataDir) {
        Path absData;
        try {
            Files.createDirectories(dataDir.resolve(LOG_DIR_NAME));
            absData = dataDir.toRealPath(); // one key per directory, however it is spelt (symlinks, "..")
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka log dir " + dataDir.resolve(LOG_DIR_NAME), e);
        }
        Path logDir = absData.resolve(LOG_DIR_NAME);
        Path lockFile = logDir.resolve(LOCK_FILE_NAME);
        // Check this JVM's own brokers first, and never open a second channel on a lock file we hold: on
        // Linux/POSIX, closing ANY descriptor of a file drops all of the process's locks on it, so probing with
        // open + tryLock + close would silently release the running broker's lock.
        if (!LOCKED_IN_THIS_JVM.add(lockFile)) {
            throw new BrokerAlreadyRunningException(absData, lockFile, BrokerInfo.read(absData));
        }
        FileChannel channel;
        FileLock lock;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            LOCKED_IN_THIS_JVM.remove(lockFile);
            throw new UncheckedIOException("cannot open lock file " + lockFile, e);
        }
        try {
            lock = channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            closeQuietly(channel);
            LOCKED_IN_THIS_JVM.remove(lockFile);
            throw new IllegalStateException("cannot lock " + lockFile + ": " + e, e);
        }
        if (lock == null) {
            closeQuietly(channel);
            LOCKED_IN_THIS_JVM.remove(lockFile);
            throw new BrokerAlreadyRunningException(absData, lockFile, BrokerInfo.read(absData));
        }
        try {
            String clusterId = formatIfNeeded(absData, logDir);
            Path portsFile = logDir.resolve(PORTS_FILE_NAME);
            int[] recorded = readPorts(portsFile);
            RuntimeException last = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                int[] ports = recorded != null ? recorded : freePorts();
                int brokerPort = ports[0];
                int controllerPort = ports[1];
                Properties props = brokerProperties(logDir, brokerPort, controllerPort);
                KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
                try {
                    server.startup();
                } catch (RuntimeException e) {
                    shutdownQuietly(server);
                    last = e;
                    if (hasCause(e, BindException.class)) {
                        if (recorded != null) {
                            throw new IllegalStateException("port " + brokerPort + " or " + controllerPort
                                    + " (the ports of this data dir, recorded in " + portsFile + ") is taken by "
                                    + "another process; stop it, or delete " + portsFile + " to pick new ports "
                                    + "(clients then need the new address)", e);
                        }
                        continue; // a port picked by freePort() was taken in between; pick new ones
                    }
                    throw e;
                }
                String bootstrap = "127.0.0.1:" + brokerPort;
                try {
                    awaitReady(bootstrap);
                } catch (RuntimeException e) {
                    shutdownQuietly(server);
                    throw e;
                }
                if (recorded == null) {
                    writePorts(portsFile, brokerPort, controllerPort);
                }
                EmbeddedBroker broker = new EmbeddedBroker(absData, logDir, clusterId, bootstrap, server, channel,
                        lock);
                broker.info.writeTo(absData);
                return broker;
            }
            throw last;
        } catch (RuntimeException e) {
            releaseQuietly(lock, channel);
            LOCKED_IN_THIS_JVM.remove(lockFile);
            throw new IllegalStateException("cannot start embedded Kafka broker on " + logDir + ": " + e, e);
        }
    }

    /**
     * Runs a broker in the foreground, for {@code mtrr broker}: starts it, prints the bootstrap address to
     * {@code out} and blocks until the JVM is asked to stop (SIGTERM, SIGINT/Ctrl-C); a shutdown hook then
     * closes the broker cleanly so its log needs no recovery on the next start and {@code broker.properties}
     * is removed.
     */
    public static void runForeground(Path dataDir, PrintStream out) throws InterruptedException {
        EmbeddedBroker broker = start(dataDir);
        Thread hook = new Thread(() -> {
            broker.close();
            out.println("mtrr broker: stopped (data " + broker.dataDir() + ")");
            out.flush();
        }, "mtrr-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("mtrr broker: listening on " + broker.bootstrap() + " (data " + broker.dataDir()
                + ", cluster " + broker.clusterId() + ", pid " + broker.info().pid() + ")");
        out.println("other mtrr commands on this data dir find it automatically; elsewhere use MTRR_BOOTSTRAP="
                + broker.bootstrap());
        out.println("press Ctrl-C to stop");
        out.flush();
        broker.awaitShutdown();
    }

    /** The {@code host:port} clients bootstrap from (always 127.0.0.1). */
    public String bootstrap() {
        return bootstrap;
    }

    /** The data directory (absolute, symlinks resolved). */
    public Path dataDir() {
        return dataDir;
    }

    /** The Kafka log dir, {@code <dataDir>/kafka}. */
    public Path logDir() {
        return logDir;
    }

    /** The KRaft cluster id, fixed when the log dir was first formatted. */
    public String clusterId() {
        return clusterId;
    }

    /** What this broker advertises in {@code broker.properties}. */
    public BrokerInfo info() {
        return info;
    }

    /** Blocks until {@link #close()} has finished (from any thread, e.g. a shutdown hook). */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops the broker: removes {@code broker.properties} first (so nobody picks up a dying broker), shuts
     * the server down and waits for it, then releases the data dir lock. Idempotent; later calls return at once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Files.deleteIfExists(BrokerInfo.file(dataDir));
        } catch (IOException e) {
            // best effort; a stale file is detected by BrokerInfo.isReachable
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            releaseQuietly(lock, lockChannel);
            LOCKED_IN_THIS_JVM.remove(logDir.resolve(LOCK_FILE_NAME));
            stopped.countDown();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedBroker[" + bootstrap + ", " + logDir + "]";
    }

    /**
     * The broker configuration. Everything binds to 127.0.0.1 only: this broker is for the local user, it has
     * no authentication.
     */
    static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:"
                        + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                // Single node: internal topics cannot have more than one replica. Without these, consumer
                // groups and transactions (initTransactions) wait forever for replicas that never come.
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                // 50 partitions per internal topic is for spreading coordinator load over a cluster; on one
                // local node it only costs start-up time and file handles.
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.num.partitions", "4"),
                Map.entry("share.coordinator.state.topic.num.partitions", "4"),
                // A consumer group should start at once, not wait 3 s for more members.
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // Producers may ask for transaction.timeout.ms up to this (EventPublisher uses 15 min).
                Map.entry("transaction.max.timeout.ms", Long.toString(Duration.ofHours(1).toMillis())),
                // The broker is the store of record: never delete by age/size unless a topic says so, and never
                // create a topic because a client mistyped its name.
                Map.entry("log.retention.ms", "-1"),
                Map.entry("log.retention.bytes", "-1"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("num.partitions", "1")));
        return p;
    }

    private static String formatIfNeeded(Path dataDir, Path logDir) {
        Path meta = logDir.resolve("meta.properties");
        if (Files.exists(meta)) {
            return readClusterId(meta);
        }
        String clusterId = Uuid.randomUuid().toString();
        Path config = null;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            config = Files.createTempFile(dataDir, "format-", ".properties");
            int[] formatPorts = freePorts();
            try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                brokerProperties(logDir, formatPorts[0], formatPorts[1]).store(w, "used once to format " + logDir);
            }
            int code;
            try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
                code = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()}, out);
            }
            if (code != 0) {
                throw new IllegalStateException("formatting Kafka log dir " + logDir + " failed (exit code " + code
                        + "): " + buffer.toString(StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format Kafka log dir " + logDir, e);
        } catch (Exception e) {
            if (e instanceof IllegalStateException) {
                throw (IllegalStateException) e;
            }
            throw new IllegalStateException("formatting Kafka log dir " + logDir + " failed: " + e + " "
                    + buffer.toString(StandardCharsets.UTF_8).trim(), e);
        } finally {
            if (config != null) {
                try {
                    Files.deleteIfExists(config);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
        return clusterId;
    }

    /** The recorded {broker, controller} ports, or null if none were recorded yet. */
    private static int[] readPorts(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return new int[] {Integer.parseInt(p.getProperty("broker.port", "").trim()),
                    Integer.parseInt(p.getProperty("controller.port", "").trim())};
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException(file + " is damaged (" + e.getMessage() + "): delete it to pick new "
                    + "ports", e);
        }
    }

    private static void writePorts(Path file, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("broker.port", Integer.toString(brokerPort));
        p.setProperty("controller.port", Integer.toString(controllerPort));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "ports of the embedded broker of this data dir, reused on every start");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String readClusterId(Path meta) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meta, e);
        }
        String id = p.getProperty("cluster.id");
        if (id == null || id.isBlank()) {
            throw new IllegalStateException(meta + " has no cluster.id; the Kafka log dir is damaged");
        }
        return id;
    }

    private static void awaitReady(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker at " + bootstrap, e);
        }
        throw new IllegalStateException("broker at " + bootstrap + " did not report itself in describeCluster within "
                + READY_TIMEOUT.toSeconds() + " s" + (last == null ? "" : ": " + last), last);
    }

    /**
     * Two distinct free ports for the broker and controller listeners: both sockets are held open while the second is
     * picked, because two ports asked for one after the other can be the same one.
     */
    private static int[] freePorts() {
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                ServerSocket b = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find two free ports on 127.0.0.1", e);
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException ignored) {
            // already failing; the original exception is the one to report
        }
    }

    private static void releaseQuietly(FileLock lock, FileChannel channel) {
        try {
            lock.release();
        } catch (IOException | RuntimeException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }
}
