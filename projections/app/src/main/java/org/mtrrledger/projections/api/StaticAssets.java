package org.mtrrledger.projections.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The web view's files (classpath {@code web/}) and the OpenAPI document: a fixed list, nothing else is served. */
final class StaticAssets {
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"web/app.js", "text/javascript; charset=utf-8"},
            "/style.css", new String[] {"web/style.css", "text/css; charset=utf-8"},
            "/api/openapi.json", new String[] {"web/openapi.json", "application/json; charset=utf-8"});

    private StaticAssets() {
    }

    static boolean has(String path) {
        return FILES.containsKey(path);
    }

    static ApiServer.Response get(String path) {
        String[] f = FILES.get(path);
        if (f == null) {
            throw ApiException.notFound("no such page: " + path);
        }
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(f[0])) {
            if (in == null) {
                throw ApiException.notFound("missing resource " + f[0]);
            }
            return new ApiServer.Response(200, f[1], in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
