package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.Map;
import org.mtrrledger.events.parse.Printable;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.render.SkippedJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "skipped", mixinStandardHelpOptions = true,
        description = "The records the fold skipped under --poison SKIP (too big, undecodable, an invalid event, or "
                + "on another partition than their VM's), with partition, offset and reason.")
final class SkippedCommand extends QueryCommand {
    @Option(names = "--partition", paramLabel = "P", description = "Only this partition.")
    Integer partition;

    @Override
    void query(LedgerQueries q, PrintStream out) {
        if (partition != null && partition < 0) {
            throw new Args.UsageError("--partition must be >= 0");
        }
        String topic = q.topic();
        TextTable t = new TextTable("topic", "partition", "offset", "bytes", "key", "reason").right(1, 2, 3);
        q.skipped(partition, partition == null ? 0 : partition, 0, s -> {
            Map<String, Object> m = SkippedJson.skipped(topic, s);
            if (output.json) {
                JsonLinesOut.print(out, m);
            } else {
                String key = (String) m.get("key");
                t.row(m.get("topic"), m.get("partition"), m.get("offset"), m.get("value_bytes"),
                        key == null ? "-" : Printable.escape(key, 40), Printable.escape((String) m.get("reason"), 200));
            }
            return true;
        });
        if (!output.json) {
            if (t.size() == 0) {
                out.println("no skipped records");
            } else {
                t.print(out);
            }
        }
    }
}
