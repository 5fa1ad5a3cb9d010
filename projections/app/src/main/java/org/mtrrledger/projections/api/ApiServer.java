package org.mtrrledger.projections.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.projections.query.LedgerQueries;

/**
 * The HTTP API and the web view over one {@link LedgerStore}, on a {@link BoundedHttpServer}. GET (and HEAD) only;
 * URIs over {@link #MAX_URI} characters get 414, bodies over {@link #MAX_BODY} bytes 413. Every error is JSON:
 * {@code {"error": "...", "parameter": "..."}}; a 500 says only that the server failed ({@link #INTERNAL_ERROR}) and
 * logs the cause. {@code /healthz}, {@code /readyz} and {@code /metrics} are answered
 * on the connection's own thread; queries wait for one of {@link #QUERY_THREADS} threads, so that however busy the
 * queries are, the health checks answer at once.
 */
public final class ApiServer implements AutoCloseable {
    public static final int MAX_URI = 4096;
    public static final int MAX_BODY = 4096;
    static final int QUERY_THREADS = 8;
    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The body of every 500: a client learns that the server failed, not how; the exception and its stack go to the
     * server log (the CLI's and the API's messages name no Java classes).
     */
    static final String INTERNAL_ERROR = "internal error while answering this request; the server log has the details";
    private static final System.Logger LOG = System.getLogger(ApiServer.class.getName());

    private final BoundedHttpServer server;
    private final ExecutorService queries;
    private final ApiRoutes routes;
    private final ApiMetrics metrics;
    private final Supplier<Optional<String>> notReady;

    private ApiServer(InetSocketAddress address, ExecutorService queries, ApiRoutes routes, ApiMetrics metrics,
            Supplier<Optional<String>> notReady) throws IOException {
        this.queries = queries;
        this.routes = routes;
        this.metrics = metrics;
        this.notReady = notReady;
        this.server = new BoundedHttpServer(address, this::handle);
    }

    /**
     * Starts serving {@code store} on {@code address} (port 0: any free port).
     *
     * @param notReady why {@code /readyz} answers 503 (e.g. the engine is catching up, or the broker is away);
     *                 empty: 200
     */
    public static ApiServer start(LedgerStore store, InetSocketAddress address, ApiMetrics metrics,
            Supplier<Optional<String>> notReady) throws IOException {
        AtomicInteger n = new AtomicInteger();
        ExecutorService ex = Executors.newFixedThreadPool(QUERY_THREADS, r -> {
            Thread t = new Thread(r, "mtrr-http-query-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        if (metrics != null) {
            metrics.bind(store);
        }
        try {
            return new ApiServer(address, ex, new ApiRoutes(() -> new LedgerQueries(store)), metrics, notReady);
        } catch (IOException | RuntimeException e) {
            ex.shutdown();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public int port() {
        return server.address().getPort();
    }

    /** Stops accepting, closes the connections, lets running queries finish for up to 5 seconds. */
    @Override
    public void close() {
        server.close();
        queries.shutdown();
        try {
            queries.awaitTermination(5, TimeUnit.SECONDS);
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

    private Response handle(BoundedHttpServer.Request x) {
        long t0 = System.nanoTime();
        String route = "other";
        Response r;
        try {
            String method = x.method();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                throw new ApiException(405, "method " + method + " not allowed: the API is read-only (GET)", null);
            }
            List<String> segments = segments(x.rawPath());
            route = ApiRoutes.template(segments);
            String rawQuery = x.rawQuery();
            String routed = route;
            if (route.equals("/healthz") || route.equals("/readyz") || route.equals("/metrics")) {
                r = dispatch(route, segments, rawQuery);
            } else {
                r = queries.submit(() -> dispatch(routed, segments, rawQuery)).get();
            }
        } catch (ExecutionException e) {
            r = error(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = error(503, "the server is shutting down", null);
        } catch (RejectedExecutionException e) {
            r = error(503, "the server is shutting down", null);
        } catch (RuntimeException e) {
            r = error(e);
        }
        if (metrics != null) {
            metrics.recordRequest(route, r.status(), System.nanoTime() - t0);
        }
        return r;
    }

    private static Response error(Throwable e) {
        if (e instanceof ApiException a) {
            return error(a.status(), a.getMessage(), a.parameter());
        }
        if (e instanceof LedgerQueries.UnknownVmException) {
            return error(404, e.getMessage(), null);
        }
        LOG.log(System.Logger.Level.ERROR, "request failed: " + e, e);
        return error(500, INTERNAL_ERROR, null);
    }

    private Response dispatch(String route, List<String> segments, String rawQuery) {
        switch (route) {
            case "/healthz":
                ApiRoutes.noParams(rawQuery);
                return Response.json(200, Map.of("status", "ok"));
            case "/readyz": {
                ApiRoutes.noParams(rawQuery);
                Optional<String> why = notReady.get();
                boolean ok = why.isEmpty();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("status", ok ? "ready" : "not ready");
                why.ifPresent(reason -> m.put("reason", reason));
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
}
