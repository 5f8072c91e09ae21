package offsite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `bin/offsite COMMAND --help` (or -h) shows that command's usage and exits 0; it was an unknown option, exit 2. */
class HelpTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"run", "sync", "verify", "restore-set", "image", "restore-image", "verify-image", "offline", "status", "cost"})
    void every_command_shows_its_own_usage_for_help(String command) {
        for (String help : new String[] {"--help", "-h"}) {
            PrintStream original = System.out;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int exit;
            try {
                exit = OffsiteCommand.execute(command, help);
            } finally {
                System.setOut(original);
            }

            assertThat(exit).as(command + " " + help).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: offsite " + command + " ").contains("-h, --help");
        }
    }
}
