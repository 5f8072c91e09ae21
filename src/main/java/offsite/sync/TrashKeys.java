package offsite.sync;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import offsite.store.Bucket;

/**
 * Where an object goes in the trash, never over a copy kept there before: trash/DAY/KEY for the first copy of a key on
 * a UTC day, and each later one that day beside it as KEY.~HHMMSS~ (the UTC time of the copy; KEY.~HHMMSS-2~, -3, ...
 * within one second). The purge dates every copy by its DAY folder. A name counts as taken when a HEAD finds an object
 * there, whichever pass or process put it.
 */
public final class TrashKeys {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC);
    /** More copies of one key in one second than any pass makes: past this a name is refused rather than searched for. */
    private static final int MOST_IN_A_SECOND = 1000;

    private final Bucket bucket;
    private final String trashPrefix;
    private final Clock clock;

    public TrashKeys(Bucket bucket, String trashPrefix, Clock clock) {
        this.bucket = bucket;
        this.trashPrefix = trashPrefix;
        this.clock = clock;
    }

    /** The first name of key in today's trash folder: trash/DAY/KEY. */
    public String firstOfDay(String key) {
        return firstOfDay(key, clock.instant());
    }

    private String firstOfDay(String key, Instant now) {
        return trashPrefix + LocalDate.ofInstant(now, ZoneOffset.UTC) + "/" + key;
    }

    /** Today's first name for key under which nothing is stored: the copy made there overwrites nothing. */
    public String unused(String key) {
        Instant now = clock.instant();
        String first = firstOfDay(key, now);
        if (bucket.head(first).isEmpty()) {
            return first;
        }
        String later = first + ".~" + TIME.format(now);
        for (int n = 1; n <= MOST_IN_A_SECOND; n++) {
            String name = later + (n == 1 ? "" : "-" + n) + "~";
            if (bucket.head(name).isEmpty()) {
                return name;
            }
        }
        throw new IllegalStateException("the trash already holds " + MOST_IN_A_SECOND + " copies of " + key + " made at " + now
                + ": not copied again (nothing is replaced or deleted without its copy)");
    }
}
