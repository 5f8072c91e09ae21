package offsite.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * Typed access to offsite.* properties. Defaults live in config/application.properties (also packed in the jar),
 * so a missing key here is a packaging error, and every bad value fails with the setting's name.
 */
public final class Settings {

    private static final Pattern SIZE = Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(I?B)?");
    private static final Pattern DURATION = Pattern.compile("(?i)(\\d+)\\s*(ms|s|m|min|h|d|w)");
    /** The longest duration a setting takes: far past any window or age, and within a long of milliseconds. */
    private static final Duration LONGEST = Duration.ofDays(36500);

    private final Function<String, String> lookup;

    /** The defaults packed in the jar (config/application.properties as built), for settings a command does not use. */
    public static Settings defaults() {
        return new Settings(packed()::getProperty);
    }

    /** The packed defaults as they are written. */
    public static Properties packed() {
        Properties defaults = new Properties();
        try (var in = Settings.class.getResourceAsStream("/defaults/application.properties")) {
            defaults.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the defaults file defaults/application.properties is missing from the jar", e);
        }
        return defaults;
    }

    /** lookup returns a property's value, or null when it is not set. */
    public Settings(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    public String text(String name) {
        String value = lookup.apply(name);
        if (value == null) {
            throw new IllegalStateException(name + " has no value: the defaults file offsite-defaults.properties is missing from the jar");
        }
        return value.trim();
    }

    /** Empty string becomes null: for optional settings. */
    public String optional(String name) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    public int integer(String name, int min, int max) {
        String value = text(name);
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the setting's name
        }
        throw new SettingError(name, value, "a whole number from " + min + " to " + max);
    }

    public double decimal(String name, double min, double max) {
        String value = text(name);
        try {
            double n = Double.parseDouble(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the setting's name
        }
        throw new SettingError(name, value, "a number from " + min + " to " + max);
    }

    public boolean flag(String name) {
        String value = text(name);
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new SettingError(name, value, "true or false");
        };
    }

    /** A size such as 64MB, 5GiB or 1048576; K, M, G, T are binary multiples. */
    public long size(String name) {
        return parseSize(name, text(name));
    }

    /** A size from min to max bytes: a number without its unit ("64" for 64MB) counts bytes and falls below a sensible min. */
    public long size(String name, long min, long max) {
        long n = size(name);
        if (n < min || n > max) {
            throw new SettingError(name, text(name), "a size from " + sizeText(min) + " to " + sizeText(max) + "; a number alone counts bytes");
        }
        return n;
    }

    /** Bytes in the largest binary unit that divides them: 1MB, 5GB, 512. */
    static String sizeText(long bytes) {
        String[] units = {"T", "G", "M", "K"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (units.length - i));
            if (bytes >= unit && bytes % unit == 0) {
                return bytes / unit + units[i] + "B";
            }
        }
        return String.valueOf(bytes);
    }

    public static long parseSize(String name, String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new SettingError(name, value, "a size such as 64MB, 5GB or a number of bytes");
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        return (long) (Double.parseDouble(m.group(1)) * (1L << shift));
    }

    /** A duration such as 330m, 15m, 30s, 2h, 7d or 500ms. */
    public Duration duration(String name) {
        return parseDuration(name, text(name));
    }

    /** A duration of at most max (given in whole hours or days, as the message shows it). */
    public Duration duration(String name, Duration max) {
        Duration d = duration(name);
        if (d.compareTo(max) > 0) {
            String most = max.toHours() % 24 == 0 ? max.toDays() + "d" : max.toHours() + "h";
            throw new SettingError(name, text(name), "a duration of at most " + most);
        }
        return d;
    }

    /** A duration that must be above zero: a timer period, a window's length. */
    public Duration positiveDuration(String name) {
        Duration d = duration(name);
        if (d.isZero()) {
            throw new SettingError(name, text(name), "a duration above zero, such as 30s, 330m or 2h");
        }
        return d;
    }

    /** A Quartz cron expression (with seconds), checked now so that a bad one names its setting and Quartz's reason at start-up. */
    public String cron(String name) {
        String value = text(name);
        try {
            CronExpression.validateExpression(value);
        } catch (ParseException e) {
            // crontab's 5 fields are the common mistake, and Quartz's "Unexpected end of expression." does not say so
            String crontab = value.split("\\s+").length != 5 ? "" : "; it has 5 fields, as a crontab line: Quartz's begin with seconds, take ?"
                    + " in day-of-month or day-of-week, and count the days of the week from 1 for Sunday (crontab's 30 23 * * 1-6 is"
                    + " '0 30 23 ? * MON-SAT')";
            throw new SettingError(name, value, "a Quartz cron expression with seconds, such as '0 30 23 ? * MON-SAT'; Quartz says: "
                    + e.getMessage().strip() + crontab);
        }
        return value;
    }

    public static Duration parseDuration(String name, String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new SettingError(name, value, "a duration such as 330m, 30s, 2h, 7d or 1w");
        }
        Duration d;
        try {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m", "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "w" -> Duration.ofDays(Math.multiplyExact(7, n));
                default -> Duration.ofDays(n);
            };
        } catch (NumberFormatException | ArithmeticException tooLong) {
            d = null; // digits past a long, or a Duration's range: refused below as too long
        }
        if (d == null || d.compareTo(LONGEST) > 0) {
            throw new SettingError(name, value, "a duration of at most 36500d (100 years), such as 330m, 30s, 2h or 7d");
        }
        return d;
    }

    public Path path(String name) {
        String value = text(name);
        if (value.isEmpty()) {
            throw new SettingError(name, value, "a path");
        }
        return Path.of(value);
    }

    /**
     * A folder this process keeps its state in, created when missing: a file in its place, or a folder that cannot be
     * created, stops the start here rather than the first write, whose error would not name the setting.
     */
    public Path folder(String name) {
        Path folder = path(name).toAbsolutePath();
        try {
            Files.createDirectories(folder);
        } catch (FileAlreadyExistsException e) {
            throw new SettingError(name, text(name), "a folder, or nothing there yet: " + e.getFile() + " is a file");
        } catch (IOException e) {
            throw new SettingError(name, text(name), "a folder this user may create; " + why(e));
        }
        return folder;
    }

    /** What the file system said, in words: some of its exceptions carry the path alone. */
    private static String why(IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return denied.getFile() + ": permission denied";
        }
        if (e instanceof NoSuchFileException missing) {
            return missing.getFile() + ": no such file or directory";
        }
        return e.getMessage();
    }

    public List<String> list(String name) {
        String value = optional(name);
        return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** An http(s) URL, or null for the embedded server (empty or "embedded"). */
    public URI endpoint(String name) {
        String value = optional(name);
        if (value == null || value.equalsIgnoreCase("embedded")) {
            return null;
        }
        String shown = UrlLogin.hidden(value);
        if (!shown.equals(value)) {
            throw new SettingError(name, shown, "an http(s) URL without user:password@; the credentials go in offsite.s3.access-key and"
                    + " offsite.s3.secret-key");
        }
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new SettingError(name, value, "an http(s) URL or 'embedded'");
        }
    }
}
