package offsite.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** `offsite cost` charges the prices of the settings file the other commands read. */
class CostCommandTest {

    @TempDir
    Path dir;

    @Test
    void the_prices_of_the_settings_file_are_the_ones_the_projection_charges() throws Exception {
        Path tenTimes = Files.writeString(dir.resolve("ten-times.properties"), "offsite.cost.storage-gb-month=0.23\n");
        Path defaults = Files.writeString(dir.resolve("defaults.properties"), "# the packed prices\n");

        JsonNode packed = cost(defaults);
        JsonNode configured = cost(tenTimes);

        // the file was not read: both charged the packed 0.023 USD a GB-month
        assertThat(packed.get("yearlyStorageCost").asDouble()).isPositive();
        assertThat(configured.get("yearlyStorageCost").asDouble()).isCloseTo(10 * packed.get("yearlyStorageCost").asDouble(), within(1e-6));
        assertThat(configured.get("yearlyRequestCost").asDouble()).isEqualTo(packed.get("yearlyRequestCost").asDouble());
    }

    @Test
    void a_mistyped_price_stops_the_projection_naming_the_setting_it_is_closest_to() throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.properties"), "offsite.cost.storage-gbmonth=0.23\n");
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = OffsiteCommand.execute("--config", typo.toString(), "cost", "--full-size", "1G", "--growth", "100M/1d");
        } finally {
            System.setErr(original);
        }

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("offsite: offsite.cost.storage-gbmonth: '0.23' is not a setting (in " + typo
                + "); did you mean offsite.cost.storage-gb-month?" + System.lineSeparator());
    }

    private static JsonNode cost(Path config) throws Exception {
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "cost", "--full-size", "1G", "--growth", "100M/1d", "--json"));
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = OffsiteCommand.execute(args.toArray(String[]::new));
        } finally {
            System.setOut(original);
        }
        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return new ObjectMapper().readTree(out.toByteArray());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--months 0         | --months 0 is not valid (expected a whole number from 1 to 120)",
            "--months 100000    | --months 100000 is not valid (expected a whole number from 1 to 120)",
            "--interval 0s      | --interval '0s' is not valid (expected a period of at least 1s",
            "--factor -1        | --factor -1.0 is not valid (expected a number above 0",
            "--full-size 0      | --full-size '0' is not valid (expected a size above zero",
            // the sums of bytes wrapped round: storage -2543327295.16 USD a year
            "--full-size 99999999T | --full-size '99999999T' with --growth '100M/1d' over 12 month(s) is not valid (expected sizes whose"
                    + " stored and uploaded bytes stay under 8 EiB"})
    void a_projection_that_cannot_mean_anything_is_refused_naming_the_option(String option, String said) {
        String[] given = option.strip().split(" ");
        List<String> args = new ArrayList<>(List.of("cost", "--growth", "100M/1d"));
        if (!given[0].equals("--full-size")) {
            args.addAll(List.of("--full-size", "1G"));
        }
        args.addAll(List.of(given));
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = OffsiteCommand.execute(args.toArray(String[]::new));
        } finally {
            System.setErr(original);
        }

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("offsite: " + said.strip());
    }
}
