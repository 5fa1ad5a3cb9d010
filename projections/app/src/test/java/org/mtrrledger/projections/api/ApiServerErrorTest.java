package org.mtrrledger.projections.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.projections.api.ApiFixture.Reply;
import org.mtrrledger.projections.ledger.PolicyProjection;

/** A request the server fails to answer gets a 500 whose message names no Java class; the cause goes to the log. */
class ApiServerErrorTest {

    @Test
    void shouldAnswerAFailedQueryWithAPlainMessage(@TempDir Path dir) throws Exception {
        LedgerStore store = LedgerStore.open(dir.resolve("store"), OpenMode.PRIMARY, PolicyProjection.OUTPUTS);
        try (ApiServer server = ApiServer.start(store, new InetSocketAddress("127.0.0.1", 0), new ApiMetrics(),
                Optional::empty)) {
            assertEquals(200, ApiFixture.get(server.port(), "/api/vms").status(), "an open store answers");
            store.close(); // every read now fails inside the query
            Reply r = ApiFixture.get(server.port(), "/api/vms");
            assertEquals(500, r.status(), r.body());
            String message = r.json().get("error").asText();
            assertEquals(ApiServer.INTERNAL_ERROR, message);
            assertFalse(r.body().matches("(?s).*(Exception|Error\\b|org\\.|java\\.).*"), r.body());
        } finally {
            store.close();
        }
    }
}
