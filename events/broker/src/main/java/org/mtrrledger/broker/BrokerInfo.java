package org.mtrrledger.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * What a running {@link EmbeddedBroker} advertises in {@code <dataDir>/broker.properties}.
 *
 * <p>Why a file: a second {@code mtrr} process (say {@code mtrr ingest} while {@code mtrr broker} runs) must
 * find the broker that owns the data directory instead of trying to start a second one on the same log dir.
 * The file is written atomically (temp file + rename) so a reader never sees half of it, and it is deleted on
 * clean close. After a crash it goes stale; {@link #isReachable} tells a live broker from a stale file.
 *
 * @param bootstrap  {@code host:port} of the PLAINTEXT listener
 * @param pid        process id of the JVM that runs the broker
 * @param clusterId  the KRaft cluster id the log dir was formatted with
 * @param startedAt  when the broker became ready
 */
public record BrokerInfo(String bootstrap, long pid, String clusterId, Instant startedAt) {

    /** Name of the file inside the data directory. */
    public static final String FILE_NAME = "broker.properties";

    public BrokerInfo {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** The advertisement file of a data directory. */
    public static Path file(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * Reads {@code <dataDir>/broker.properties}.
     *
     * @return empty if the file is absent or unreadable/incomplete (a file half-written by an older version or
     *     edited by hand is treated as "no broker", never as an error)
     */
    public static Optional<BrokerInfo> read(Path dataDir) {
        Path file = file(dataDir);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BrokerInfo(
                    Objects.requireNonNull(p.getProperty("bootstrap")),
                    Long.parseLong(p.getProperty("pid")),
                    p.getProperty("cluster.id", ""),
                    Instant.parse(p.getProperty("started.at"))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Writes this record to {@code <dataDir>/broker.properties} atomically (temp file in the same dir + rename). */
    void writeTo(Path dataDir) {
        Path target = file(dataDir);
        Properties p = new Properties();
        p.setProperty("bootstrap", bootstrap);
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("cluster.id", clusterId);
        p.setProperty("started.at", startedAt.toString());
        try {
            Path tmp = Files.createTempFile(dataDir, FILE_NAME, ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "mtrr-ledger embedded Kafka broker; deleted on clean shutdown");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** The host part of {@link #bootstrap()}. */
    public String host() {
        int colon = bootstrap.lastIndexOf(':');
        return colon < 0 ? bootstrap : bootstrap.substring(0, colon);
    }

    /** The port part of {@link #bootstrap()}, or -1 if it has none. */
    public int port() {
        int colon = bootstrap.lastIndexOf(':');
        try {
            return colon < 0 ? -1 : Integer.parseInt(bootstrap.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Whether the advertised broker is really there: its process is alive and its port accepts a TCP
     * connection within {@code timeoutMillis}. A pid alone is not enough (pids are reused after a crash) and a
     * port alone is not enough (another program may have taken it).
     */
    public boolean isReachable(int timeoutMillis) {
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive || port() <= 0) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host(), port()), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
