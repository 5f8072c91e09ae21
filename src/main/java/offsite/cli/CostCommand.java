package offsite.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import offsite.OffsiteApp;
import offsite.config.SettingLayers;
import offsite.config.SettingNames;
import offsite.config.Settings;
import offsite.cost.CostProjection;
import offsite.cost.Prices;
import offsite.image.CompleteImageRule;
import offsite.report.ByteSize;
import offsite.retention.RetentionPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Projects the yearly cost of image backups before turning them on, by running the real rule and retention. */
@Command(name = "cost", description = "Project storage, uploads and charges of image backups from their size and growth.")
final class CostCommand implements Callable<Integer> {

    @ParentCommand
    OffsiteCommand parent;

    @Option(names = "--full-size", required = true, paramLabel = "SIZE", description = "complete image size after compression, e.g. 1G")
    String fullSize;

    @Option(names = "--growth", required = true, paramLabel = "SIZE/PERIOD", description = "delta growth, e.g. 100K/1w, 10M/1d or 1GB/day")
    String growth;

    @Option(names = "--interval", defaultValue = "1h", paramLabel = "DURATION", description = "time between backups (default 1h)")
    String interval;

    @Option(names = "--keep", defaultValue = "24h,7d,5w,6m", description = "retention (default 24h,7d,5w,6m)")
    String keep;

    @Option(names = "--months", defaultValue = "12", description = "simulated months (default 12)")
    int months;

    @Option(names = "--factor", defaultValue = "2", description = "the new-complete-image factor (default 2)")
    double factor;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    /**
     * The prices as the other commands read them (the environment, then -D, then the settings file, then the defaults),
     * after the same check of the names: a mistyped price would be charged at its default without a word.
     */
    private Settings settings() throws IOException {
        Properties file = new Properties();
        Path config = parent.configFile();
        if (config != null) {
            try (Reader in = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                file.load(in);
            }
        }
        OffsiteApp.checkNames(SettingNames.packed(), config, file, Map.of(), System.getProperties(), System.getenv());
        return new Settings(new SettingLayers(System.getenv(), System.getProperties(), file, Settings.packed())::value);
    }

    /** The longest projection: ten years of hourly backups is about 88,000 simulated backups. */
    static final int MOST_MONTHS = 120;

    @Override
    public Integer call() throws Exception {
        String[] g = growth.split("/", 2);
        if (g.length != 2) {
            System.err.println("offsite: --growth '" + growth + "' is not SIZE/PERIOD (expected for example 100K/1w)");
            return 2;
        }
        if (months < 1 || months > MOST_MONTHS) {
            System.err.println("offsite: --months " + months + " is not valid (expected a whole number from 1 to " + MOST_MONTHS + ")");
            return 2;
        }
        if (!(factor > 0)) { // NaN too
            System.err.println("offsite: --factor " + factor + " is not valid (expected a number above 0, as offsite.image.full-factor takes)");
            return 2;
        }
        long size = Settings.parseSize("--full-size", fullSize);
        if (size <= 0) {
            System.err.println("offsite: --full-size '" + fullSize + "' is not valid (expected a size above zero, such as 1G)");
            return 2;
        }
        // "1GB/day" reads as "1GB/1d": the period may be a bare unit word
        String period = switch (g[1].strip().toLowerCase(Locale.ROOT)) {
            case "hour" -> "1h";
            case "day" -> "1d";
            case "week" -> "1w";
            default -> g[1];
        };
        Duration growthPeriod = Settings.parseDuration("--growth", period);
        Duration every = Settings.parseDuration("--interval", interval);
        if (growthPeriod.toSeconds() < 1 || every.toSeconds() < 1) {
            System.err.println("offsite: " + (every.toSeconds() < 1 ? "--interval '" + interval : "--growth '" + growth) + "' is not valid"
                    + " (expected a period of at least 1s, such as 1h or 100K/1w)");
            return 2;
        }
        double perHour = Settings.parseSize("--growth", g[0]) / (growthPeriod.toSeconds() / 3600.0);
        CostProjection.Result r;
        try {
            r = CostProjection.run(size, perHour, every, RetentionPolicy.parse(keep), new CompleteImageRule(factor, null), months,
                    Prices.from(settings()));
        } catch (ArithmeticException tooLarge) {
            System.err.println("offsite: --full-size '" + fullSize + "' with --growth '" + growth + "' over " + months + " month(s) is not valid"
                    + " (expected sizes whose stored and uploaded bytes stay under 8 EiB, such as 1G and 100M/1d)");
            return 2;
        }
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            return 0;
        }
        System.out.printf(Locale.ROOT, "deltas per cycle          %d%n", r.deltasPerCycle());
        System.out.printf(Locale.ROOT, "cycle length              %.1f hours%n", r.cycleHours());
        System.out.printf(Locale.ROOT, "complete images held      %d at most%n", r.completeImagesHeld());
        System.out.printf(Locale.ROOT, "maximum storage           %s%n", ByteSize.format(r.maxStorageBytes()));
        System.out.printf(Locale.ROOT, "upload per interval       %s average, %s peak%n", ByteSize.format(r.averageUploadBytesPerInterval()),
                ByteSize.format(r.peakUploadBytesPerInterval()));
        System.out.printf(Locale.ROOT, "upload per month          %s at most%n", ByteSize.format(r.maxUploadBytesPerMonth()));
        System.out.printf(Locale.ROOT, "yearly cost (USD)         storage %.2f + requests %.2f + transfer %.2f = %.2f%n", r.yearlyStorageCost(),
                r.yearlyRequestCost(), r.yearlyTransferCost(), r.yearlyTotalCost());
        System.out.println("assumptions:");
        r.assumptions().forEach(a -> System.out.println("  - " + a));
        return 0;
    }
}
