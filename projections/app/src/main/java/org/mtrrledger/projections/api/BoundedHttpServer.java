package org.mtrrledger.projections.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * HTTP/1.1 for a read-only API (GET/HEAD, bodies discarded), with every cost a client can impose bounded.
 *
 * <p>Why not the JDK's {@code HttpServer}: it reads a request's headers on the handler executor, so a few
 * connections that never finish their headers take every handler thread (and {@code /healthz} with them); and it
 * answers a request-target that {@link java.net.URI} rejects ({@code %zz}) with its own HTML page before any handler
 * runs. Neither is configurable ({@code sun.net.httpserver.maxReqTime} closes the stuck connections eventually, but
 * also the requests queued behind them).
 *
 * <p>Here each connection has its own thread (at most {@link #MAX_CONNECTIONS}; more are answered 503 and closed),
 * which is all a slow or half-open client can hold: a request's line and headers must arrive within
 * {@link #HEAD_TIMEOUT_MS} of its first byte (a new connection's first byte within the same time, a kept-alive one's
 * within {@link #IDLE_TIMEOUT_MS}), and writing a response must finish within {@link #WRITE_TIMEOUT_MS}, else the
 * connection is closed. The handler decides which requests are cheap enough to answer on the connection thread
 * (health checks) and which queue for a bounded pool (queries).
 */
final class BoundedHttpServer implements AutoCloseable {
    static final int MAX_CONNECTIONS = 256;
    static final int HEAD_TIMEOUT_MS = 10_000;
    static final int IDLE_TIMEOUT_MS = 30_000;
    static final int WRITE_TIMEOUT_MS = 30_000;
    private static final int MAX_HEAD = 16 * 1024;

    /** A parsed request: method, raw target (path and query, still percent-encoded), and the headers that matter. */
    record Request(String method, String target, long contentLength) {
        String rawPath() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        String rawQuery() {
            int q = target.indexOf('?');
            return q < 0 ? null : target.substring(q + 1);
        }
    }

    private final ServerSocket socket;
    private final Function<Request, ApiServer.Response> handler;
    private final ExecutorService connections;
    private final ScheduledExecutorService watchdog;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    BoundedHttpServer(InetSocketAddress address, Function<Request, ApiServer.Response> handler) throws IOException {
        this.handler = handler;
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(address, 64);
        AtomicInteger n = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(r -> daemon(r, "mtrr-http-conn-" + n.incrementAndGet()));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mtrr-http-watchdog"));
        this.acceptor = daemon(this::acceptLoop, "mtrr-http-accept");
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Stops accepting and closes every connection; a response being written is cut off. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(socket);
        open.forEach(BoundedHttpServer::closeQuietly);
        connections.shutdown();
        watchdog.shutdownNow();
        try {
            acceptor.join(2_000);
            connections.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue; // e.g. out of file descriptors for a moment; the listening socket is still fine
            }
            if (open.size() >= MAX_CONNECTIONS) {
                connections.execute(() -> refuse(s));
                continue;
            }
            open.add(s);
            try {
                connections.execute(() -> serve(s));
            } catch (RuntimeException e) {
                open.remove(s);
                closeQuietly(s);
            }
        }
    }

    private void refuse(Socket s) {
        try (s) {
            s.setSoTimeout(1_000);
            write(s, new Request("GET", "/", 0), ApiServer.error(503, "too many connections (at most "
                    + MAX_CONNECTIONS + ")", null), true);
        } catch (IOException ignored) {
            // the client is gone already
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            boolean keepAlive = true;
            for (int n = 0; keepAlive && !closed; n++) {
                Head head = readHead(s, in, n == 0 ? HEAD_TIMEOUT_MS : IDLE_TIMEOUT_MS);
                if (head == null) {
                    return; // closed by the client between requests, or silent for too long
                }
                Request r;
                try {
                    r = head.parse();
                } catch (ApiException e) {
                    write(s, new Request("GET", "/", 0), ApiServer.error(e.status(), e.getMessage(), null), true);
                    return;
                }
                if (r.contentLength() > ApiServer.MAX_BODY) {
                    write(s, r, ApiServer.error(413, "request body over " + ApiServer.MAX_BODY + " bytes", null),
                            true);
                    return;
                }
                discard(s, in, r.contentLength(), head.deadline);
                keepAlive = head.keepAlive;
                write(s, r, handler.apply(r), !keepAlive);
            }
        } catch (IOException e) {
            // timeouts, resets, a client that went away: nothing to answer
        } finally {
            open.remove(s);
        }
    }

    /** The bytes of one request head (up to the empty line), or null if none arrived in time. */
    private static Head readHead(Socket s, InputStream in, int firstByteTimeoutMs) throws IOException {
        s.setSoTimeout(firstByteTimeoutMs);
        int first;
        try {
            first = in.read();
        } catch (SocketTimeoutException e) {
            return null;
        }
        if (first < 0) {
            return null;
        }
        long deadline = System.nanoTime() + HEAD_TIMEOUT_MS * 1_000_000L;
        byte[] buf = new byte[MAX_HEAD];
        buf[0] = (byte) first;
        int len = 1;
        while (!endsHead(buf, len)) {
            if (len == buf.length) {
                return new Head(buf, len, deadline, true);
            }
            s.setSoTimeout(remainingMs(deadline));
            int b = in.read();
            if (b < 0) {
                return null;
            }
            buf[len++] = (byte) b;
        }
        return new Head(buf, len, deadline, false);
    }

    private static boolean endsHead(byte[] b, int len) {
        return (len >= 2 && b[len - 1] == '\n' && b[len - 2] == '\n')
                || (len >= 4 && b[len - 1] == '\n' && b[len - 2] == '\r' && b[len - 3] == '\n' && b[len - 4] == '\r');
    }

    private static int remainingMs(long deadline) throws SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException("request head not complete within " + HEAD_TIMEOUT_MS + " ms");
        }
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    private static void discard(Socket s, InputStream in, long length, long deadline) throws IOException {
        byte[] skip = new byte[1024];
        for (long left = length; left > 0; ) {
            s.setSoTimeout(remainingMs(deadline));
            int k = in.read(skip, 0, (int) Math.min(skip.length, left));
            if (k < 0) {
                throw new SocketException("request body cut off");
            }
            left -= k;
        }
    }

    private static final class Head {
        final String text;
        final long deadline;
        final boolean tooLong;
        boolean keepAlive;

        Head(byte[] buf, int len, long deadline, boolean tooLong) {
            this.text = new String(buf, 0, len, StandardCharsets.ISO_8859_1);
            this.deadline = deadline;
            this.tooLong = tooLong;
        }

        Request parse() {
            String[] lines = text.split("\r?\n");
            String[] parts = lines[0].split(" ", -1);
            if (tooLong) {
                throw parts.length > 1 && parts[1].length() > ApiServer.MAX_URI
                        ? new ApiException(414, "URI longer than " + ApiServer.MAX_URI + " characters", null)
                        : new ApiException(431, "request head over " + MAX_HEAD + " bytes", null);
            }
            if (parts.length != 3 || !parts[2].startsWith("HTTP/1.") || parts[0].isEmpty()) {
                throw new ApiException(400, "malformed request line", null);
            }
            if (parts[1].length() > ApiServer.MAX_URI) {
                throw new ApiException(414, "URI longer than " + ApiServer.MAX_URI + " characters", null);
            }
            if (!parts[1].startsWith("/")) {
                throw new ApiException(400, "the request target must be a path starting with '/'", null);
            }
            boolean http10 = parts[2].equals("HTTP/1.0");
            keepAlive = !http10;
            long contentLength = 0;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> {
                        try {
                            contentLength = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            throw new ApiException(400, "bad Content-Length", null);
                        }
                        if (contentLength < 0) {
                            throw new ApiException(400, "bad Content-Length", null);
                        }
                    }
                    case "transfer-encoding" -> throw new ApiException(411, "send a Content-Length (request bodies "
                            + "are discarded; chunked bodies are not accepted)", null);
                    case "connection" -> {
                        String v = value.toLowerCase(Locale.ROOT);
                        keepAlive = v.contains("close") ? false : v.contains("keep-alive") || keepAlive;
                    }
                    default -> {
                    }
                }
            }
            return new Request(parts[0], parts[1], contentLength);
        }
    }

    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(200, "OK"),
            Map.entry(400, "Bad Request"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(411, "Length Required"), Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(503, "Service Unavailable"));

    /** Writes one response; a client that does not read it within {@link #WRITE_TIMEOUT_MS} is disconnected. */
    private void write(Socket s, Request r, ApiServer.Response resp, boolean close) throws IOException {
        StringBuilder h = new StringBuilder(256);
        h.append("HTTP/1.1 ").append(resp.status()).append(' ')
                .append(REASONS.getOrDefault(resp.status(), "Status")).append("\r\n")
                .append("Content-Type: ").append(resp.contentType()).append("\r\n")
                .append("Content-Length: ").append(resp.body().length).append("\r\n")
                .append("X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n");
        if (resp.status() == 405) {
            h.append("Allow: GET, HEAD\r\n");
        }
        if (close) {
            h.append("Connection: close\r\n");
        }
        h.append("\r\n");
        ScheduledFuture<?> guard = watchdog.isShutdown() ? null
                : watchdog.schedule(() -> closeQuietly(s), WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        try {
            OutputStream out = s.getOutputStream();
            out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (!r.method().equals("HEAD")) {
                out.write(resp.body());
            }
            out.flush();
        } finally {
            if (guard != null) {
                guard.cancel(false);
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is all we wanted
        }
    }
}
