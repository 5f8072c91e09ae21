package offsite.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A file's modification time as object metadata in rclone's form (its S3 backend, after swift's python client): user
 * metadata "mtime" (x-amz-meta-mtime), seconds since the epoch with up to nine decimals and no trailing zeros
 * ("1700000000.123456789", "1700000000.5", "1700000000"), so rclone reads the time Offsite stored and Offsite rclone's.
 * Parsed in decimal, never through a double, so every nanosecond comes back.
 */
public final class MtimeMetadata {

    /** The user metadata name, as rclone spells it. */
    public static final String NAME = "mtime";

    private static final Pattern SECONDS = Pattern.compile("-?[0-9]{1,20}(\\.[0-9]{1,30})?");
    private static final BigInteger NANOS = BigInteger.valueOf(1_000_000_000L);

    private MtimeMetadata() {
    }

    /** The metadata holding this modification time. */
    public static Map<String, String> of(Instant modified) {
        return Map.of(NAME, format(modified));
    }

    /** Seconds since the epoch, up to nine decimals, trailing zeros dropped (rclone's TimeToFloatString). */
    public static String format(Instant modified) {
        BigDecimal seconds = BigDecimal.valueOf(modified.getEpochSecond()).add(BigDecimal.valueOf(modified.getNano(), 9));
        return seconds.signum() == 0 ? "0" : seconds.stripTrailingZeros().toPlainString();
    }

    /** The time the metadata's mtime holds; null when it has none, or none in rclone's form (decimals past nine are cut, as rclone does). */
    public static Instant stored(Map<String, String> metadata) {
        String value = metadata.get(NAME);
        if (value == null || !SECONDS.matcher(value.trim()).matches()) {
            return null;
        }
        BigInteger[] parts = new BigDecimal(value.trim()).movePointRight(9).setScale(0, RoundingMode.DOWN).toBigInteger()
                .divideAndRemainder(NANOS);
        try {
            return Instant.ofEpochSecond(parts[0].longValueExact(), parts[1].longValue());
        } catch (ArithmeticException | DateTimeException e) {
            return null; // out of Instant's range: no time a file can have
        }
    }
}
