package org.mtrrledger.projections.cli;

import java.io.PrintStream;
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
            if (output.json) {
                JsonLinesOut.print(out, SkippedJson.skipped(topic, s));
            } else {
                byte[] v = s.record().value();
                String key = s.record().key();
                t.row(topic, s.partition(), s.offset(), v == null ? "-" : v.length,
                        key == null ? "-" : Printable.escape(key, 40), Printable.escape(s.record().reason(), 200));
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
