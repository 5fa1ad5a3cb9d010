package org.mtrrledger.projections.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.projections.query.LedgerQueries;

/**
 * The HTTP API and the web view over one {@link LedgerStore}, on the JDK's {@link HttpServer}. GET (and HEAD) only;
 * URIs over {@link #MAX_URI} characters get 414, bodies over {@link #MAX_BODY} bytes 413. Every error is JSON:
 * {@code {"error": "...", "parameter": "..."}}.
 */
public final class ApiServer implements AutoCloseable {
    public static final int MAX_URI = 4096;
    public static final int MAX_BODY = 4096;
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final ApiRoutes routes;
    private final ApiMetrics metrics;
    private final BooleanSupplier ready;

    private ApiServer(HttpServer server, ExecutorService executor, ApiRoutes routes, ApiMetrics metrics,
            BooleanSupplier ready) {
        this.server = server;
        this.executor = executor;
        this.routes = routes;
        this.metrics = metrics;
        this.ready = ready;
    }

    /**
     * Starts serving {@code store} on {@code address} (port 0: any free port).
     *
     * @param ready whether {@code /readyz} answers 200 (the engine has caught up)
     */
    public static ApiServer start(LedgerStore store, InetSocketAddress address, ApiMetrics metrics,
            BooleanSupplier ready) throws IOException {
        HttpServer http = HttpServer.create(address, 64);
        AtomicInteger n = new AtomicInteger();
        ExecutorService ex = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "mtrr-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ApiServer s = new ApiServer(http, ex, new ApiRoutes(() -> new LedgerQueries(store)), metrics, ready);
        http.createContext("/", s::handle);
        http.setExecutor(ex);
        http.start();
        return s;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting, lets running exchanges finish for up to a second. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A response: status, content type and body. */
    record Response(int status, String contentType, byte[] body) {
        static Response json(int status, Object value) {
            try {
                return new Response(status, "application/json; charset=utf-8", JSON.writeValueAsBytes(value));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Response text(int status, String contentType, String body) {
            return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void handle(HttpExchange x) throws IOException {
        long t0 = System.nanoTime();
        String route = "other";
        Response r;
        try {
            String rawUri = x.getRequestURI().toString();
            if (rawUri.length() > MAX_URI) {
                throw new ApiException(414, "URI longer than " + MAX_URI + " characters", null);
            }
            String method = x.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                x.getResponseHeaders().set("Allow", "GET, HEAD");
                throw new ApiException(405, "method " + method + " not allowed: the API is read-only (GET)", null);
            }
            rejectLargeBody(x);
            List<String> segments = segments(x.getRequestURI().getRawPath());
            route = ApiRoutes.template(segments);
            r = dispatch(route, segments, x.getRequestURI().getRawQuery());
        } catch (ApiException e) {
            r = error(e.status(), e.getMessage(), e.parameter());
        } catch (LedgerQueries.UnknownVmException e) {
            r = error(404, e.getMessage(), null);
        } catch (RuntimeException e) {
            r = error(500, e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
        send(x, r);
        if (metrics != null) {
            metrics.recordRequest(route, r.status(), System.nanoTime() - t0);
        }
    }

    private Response dispatch(String route, List<String> segments, String rawQuery) {
        switch (route) {
            case "/healthz":
                ApiRoutes.noParams(rawQuery);
                return Response.json(200, Map.of("status", "ok"));
            case "/readyz": {
                ApiRoutes.noParams(rawQuery);
                boolean ok = ready.getAsBoolean();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("status", ok ? "ready" : "catching up");
                if (metrics != null) {
                    Map<String, Long> lag = new LinkedHashMap<>();
                    metrics.lag().forEach((p, l) -> lag.put(Integer.toString(p), l));
                    m.put("lag", lag);
                }
                return Response.json(ok ? 200 : 503, m);
            }
            case "/metrics":
                ApiRoutes.noParams(rawQuery);
                if (metrics == null) {
                    throw ApiException.notFound("no metrics in this process");
                }
                return Response.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            default:
                if (route.startsWith("/api/")) {
                    return routes.handle(route, segments, rawQuery);
                }
                ApiRoutes.noParams(rawQuery);
                return StaticAssets.get(route);
        }
    }

    private static void rejectLargeBody(HttpExchange x) throws IOException {
        String cl = x.getRequestHeaders().getFirst("Content-Length");
        if (cl != null) {
            try {
                if (Long.parseLong(cl.trim()) > MAX_BODY) {
                    throw new ApiException(413, "request body over " + MAX_BODY + " bytes", null);
                }
            } catch (NumberFormatException e) {
                throw new ApiException(400, "bad Content-Length", null);
            }
        }
        try (InputStream in = x.getRequestBody()) {
            byte[] buf = new byte[1024];
            long total = 0;
            int k;
            while ((k = in.read(buf)) >= 0) {
                total += k;
                if (total > MAX_BODY) {
                    throw new ApiException(413, "request body over " + MAX_BODY + " bytes", null);
                }
            }
        }
    }

    /** The path's segments, each percent-decoded ('+' stays '+'). */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                try {
                    out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new ApiException(400, "malformed percent-encoding in the path", null);
                }
            }
        }
        return out;
    }

    static Response error(int status, String message, String parameter) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        if (parameter != null) {
            m.put("parameter", parameter);
        }
        return Response.json(status, m);
    }

    private static void send(HttpExchange x, Response r) throws IOException {
        x.getResponseHeaders().set("Content-Type", r.contentType());
        x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        x.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(r.status(), head ? -1 : r.body().length == 0 ? -1 : r.body().length);
        if (!head && r.body().length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(r.body());
            }
        }
        x.close();
    }
}
