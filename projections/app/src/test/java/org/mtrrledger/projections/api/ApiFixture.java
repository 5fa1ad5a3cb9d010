package org.mtrrledger.projections.api;

import org.mtrrledger.projections.RepoRoot;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.projections.cli.CliRun;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.parse.JsonLinesParser;
import org.mtrrledger.events.parse.ParseOptions;
import org.mtrrledger.events.parse.ParsedLog;

/** Shared by the API tests: the sample log, an HTTP client, the CLI's --json output for comparison. */
public final class ApiFixture {
    static final String SAMPLE = "ovmf-linux-4vcpu-dma.jsonl";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ApiFixture() {
    }

    /** The sample's events, with sources {@code ovmf-linux-4vcpu-dma.jsonl:LINE}. */
    public static List<MtrrEvent> sample() {
        Path p = RepoRoot.resolve("samples", SAMPLE);
        try (ParsedLog log = new JsonLinesParser().open(SAMPLE, Files.newBufferedReader(p), ParseOptions.DEFAULTS)) {
            return new ArrayList<>(log.readAll());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(body, e);
            }
        }
    }

    static Reply get(int port, String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).GET().build());
    }

    static Reply send(HttpRequest r) {
        try {
            HttpResponse<String> res = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
            return new Reply(res.statusCode(), res.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs the CLI in this JVM; its JSON Lines output as a JSON array. */
    static JsonNode cliJson(String... args) {
        CliRun r = CliRun.of(args);
        if (r.code() != 0) {
            throw new AssertionError("mtrr " + String.join(" ", args) + " exited " + r.code() + ": " + r.err());
        }
        try {
            var arr = JSON.createArrayNode();
            for (String line : r.out().split("\n")) {
                if (!line.isBlank()) {
                    arr.add(JSON.readTree(line));
                }
            }
            return arr;
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }
}
