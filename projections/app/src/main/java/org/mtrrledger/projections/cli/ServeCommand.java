package org.mtrrledger.projections.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import org.mtrrledger.broker.KafkaEndpoint;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.projections.api.ApiMetrics;
import org.mtrrledger.projections.api.ApiService;
import org.mtrrledger.projections.ledger.PolicyProjection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Fold the events topic (following it, like `mtrr run`) and serve the HTTP API, /metrics and "
                + "the web view from the same store. SIGTERM closes both cleanly and exits 0.")
final class ServeCommand implements Callable<Integer> {
    static final int MAX_METRICS_VMS = 10_000;

    @Mixin
    DataOptions data;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    EngineOptions engine;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "TCP port (default 8080; 0: any free port).")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to bind (default 127.0.0.1, loopback only). The API has no authentication.")
    String host;

    @Option(names = "--metrics-vms", paramLabel = "N", defaultValue = "" + ApiMetrics.DEFAULT_VM_CAP,
            description = "/metrics has per-VM series for at most N VMs, those with the most events folded (ties by "
                    + "VM id); the others are summed as vm=\"other\" (default " + ApiMetrics.DEFAULT_VM_CAP
                    + ", 0..10000; 0: only totals and \"other\").")
    int metricsVms;

    @Override
    @SuppressWarnings("try") // the Termination resource only has to be open while the server runs
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new Args.UsageError("--port must be 0..65535, got " + port);
        }
        if (metricsVms < 0 || metricsVms > MAX_METRICS_VMS) {
            throw new Args.UsageError("--metrics-vms must be 0.." + MAX_METRICS_VMS + ", got " + metricsVms);
        }
        InetAddress addr;
        try {
            addr = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new Args.UsageError("--host: unknown host '" + host + "'");
        }
        try (KafkaEndpoint ep = kafka.connect(data)) {
            TopicAdmin.ensureTopic(ep.bootstrap(), kafka.topic(), kafka.partitions);
            try (LedgerStore store = LedgerStore.open(data.storeDir(), OpenMode.PRIMARY, engine.durability,
                    PolicyProjection.OUTPUTS)) {
                ApiService service = ApiService.start(ep.bootstrap(), engine.config(kafka), store,
                        new InetSocketAddress(addr, port), EngineRunner.progress(System.err), metricsVms);
                try (Termination signals = Termination.onSignal(service::close)) {
                    InetSocketAddress bound = service.server().address();
                    if (!addr.isLoopbackAddress()) {
                        System.err.println("WARNING: mtrr serve is bound to " + bound.getAddress().getHostAddress()
                                + ":" + bound.getPort() + ", not loopback: anyone who can reach it can read the "
                                + "whole ledger (there is no authentication). Use --host 127.0.0.1 unless you mean it.");
                    }
                    System.err.println("# serving http://" + hostPart(bound) + ":" + bound.getPort() + "/  (API under "
                            + "/api, OpenAPI at /api/openapi.json, /metrics, /healthz, /readyz)");
                    service.awaitEngine();
                    Throwable failure = service.engineFailure();
                    service.close();
                    if (failure instanceof RuntimeException re) {
                        throw re;
                    }
                    if (failure instanceof Error er) {
                        throw er;
                    }
                    if (service.summary() != null) {
                        EngineRunner.printSummary(service.summary(), System.out);
                    }
                    return 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    service.close();
                    return 1;
                }
            } catch (IOException e) {
                throw new CliFailure("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
            }
        }
    }

    private static String hostPart(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return h.contains(":") ? "[" + h + "]" : h;
    }
}
