package org.mtrrledger.projections.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every option of every command has a --help description, and an enum option's description names its values. */
class HelpTextTest {
    @Test
    void shouldDescribeEveryOptionAndNameTheValuesOfEveryEnumOption() {
        List<String> missing = new ArrayList<>();
        CommandLine cli = MtrrCli.commandLine(n -> null);
        cli.getSubcommands().forEach((name, c) -> c.getCommandSpec().options().forEach(o -> {
            String d = String.join(" ", o.description());
            if (d.isBlank()) {
                missing.add(name + " " + o.longestName() + ": no description");
            }
            if (o.type().isEnum()) {
                for (Object v : o.type().getEnumConstants()) {
                    String value = v.toString();
                    if (!d.contains(value) && !d.contains(value.toLowerCase(Locale.ROOT))) {
                        missing.add(name + " " + o.longestName() + ": does not name " + value);
                    }
                }
            }
        }));
        assertEquals(List.of(), missing);
    }
}
