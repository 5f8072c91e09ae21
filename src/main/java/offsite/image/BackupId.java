package offsite.image;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Predicate;

/**
 * A backup's id: its start in UTC to the millisecond, and the folder PREFIX/ID/ that holds its objects. Hosts sharing a
 * prefix that start in the same millisecond would write one folder, so an id already holding objects gives way to the
 * next free millisecond.
 */
final class BackupId {

    // milliseconds: two backups in one second (image twice in a row) must not share a prefix
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private BackupId() {
    }

    static String of(Instant at) {
        return FORMAT.format(at);
    }

    /** The id a millisecond after id. */
    static String next(String id) {
        return of(FORMAT.parse(id, Instant::from).plusMillis(1));
    }

    /** The first id from id on, a millisecond apart, whose folder taken says is empty; id itself when its folder is. */
    static String firstFree(String id, Predicate<String> taken) {
        String free = id;
        while (taken.test(free)) {
            free = next(free);
        }
        return free;
    }
}
