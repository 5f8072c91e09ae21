package offsite.retention;

import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;

/** The buckets a retention rule keeps one backup of, taken in a time zone's wall-clock time (as restic does). */
enum Period {
    LAST("last"), HOUR("hourly"), DAY("daily"), WEEK("weekly"), MONTH("monthly");

    /** The rule's name in the reasons a backup is kept for. */
    final String rule;

    Period(String rule) {
        this.rule = rule;
    }

    /** Equal for two backups in the same bucket; LAST puts every backup in its own. */
    Object bucket(Backup backup, ZoneId zone) {
        ZonedDateTime t = backup.created().atZone(zone);
        return switch (this) {
            case LAST -> backup.id();
            case HOUR -> t.toLocalDateTime().truncatedTo(ChronoUnit.HOURS);
            case DAY -> t.toLocalDate();
            // ISO week-based year: Mon 2026-12-28 .. Sun 2027-01-03 is 2026-W53
            case WEEK -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case MONTH -> YearMonth.from(t);
        };
    }
}
