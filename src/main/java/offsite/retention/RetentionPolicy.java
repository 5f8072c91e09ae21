package offsite.retention;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many hourly, daily, weekly (ISO week) and monthly backups to keep, applied like restic's `forget`:
 * newest first, each rule keeps the newest backup of each of its periods until its count is used, the rules
 * apply independently, and a backup kept by any rule stays. A complete image also stays while a kept diff
 * depends on it. Periods are taken in the given time zone.
 */
public record RetentionPolicy(int hourly, int daily, int weekly, int monthly) {

    private static final Pattern RULE = Pattern.compile("(\\d+)([hdwm])");

    public RetentionPolicy {
        if (hourly < 0 || daily < 0 || weekly < 0 || monthly < 0) {
            throw new IllegalArgumentException("offsite.image.keep: counts must not be negative");
        }
        if (hourly + daily + weekly + monthly == 0) {
            throw new IllegalArgumentException("offsite.image.keep: keeps nothing (expected at least one count, such as 24h,7d,5w,6m)");
        }
    }

    /** Parses "24h,7d,5w,6m"; absent units keep none of that period. */
    public static RetentionPolicy parse(String text) {
        int[] counts = new int[4];
        for (String part : text.trim().toLowerCase(java.util.Locale.ROOT).split("\\s*,\\s*")) {
            Matcher m = RULE.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("offsite.image.keep: '" + text + "' is not valid (expected counts such as 24h,7d,5w,6m)");
            }
            counts["hdwm".indexOf(m.group(2))] = Integer.parseInt(m.group(1));
        }
        return new RetentionPolicy(counts[0], counts[1], counts[2], counts[3]);
    }

    /** The decision: what stays, with why, and what goes. */
    public record Plan(Map<String, List<String>> kept, List<Backup> deleted) {
        public boolean keeps(String id) {
            return kept.containsKey(id);
        }
    }

    public Plan apply(List<Backup> backups, ZoneId zone) {
        List<Backup> newestFirst = new ArrayList<>(backups);
        newestFirst.sort(Comparator.comparing(Backup::created).reversed().thenComparing(Backup::id, Comparator.reverseOrder()));
        Map<String, List<String>> reasons = new LinkedHashMap<>();
        rule(newestFirst, hourly, "hourly", t -> t.getYear() + "-" + t.getDayOfYear() + "T" + t.getHour(), zone, reasons);
        rule(newestFirst, daily, "daily", t -> t.getYear() + "-" + t.getDayOfYear(), zone, reasons);
        rule(newestFirst, weekly, "weekly", t -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), zone, reasons);
        rule(newestFirst, monthly, "monthly", t -> t.getYear() + "-" + t.getMonthValue(), zone, reasons);
        for (Backup b : newestFirst) {
            if (!b.full() && reasons.containsKey(b.id())) {
                reasons.computeIfAbsent(b.base(), k -> new ArrayList<>()).add("base of kept diff " + b.id());
            }
        }
        List<Backup> deleted = newestFirst.stream().filter(b -> !reasons.containsKey(b.id())).toList();
        Map<String, List<String>> kept = new LinkedHashMap<>();
        for (Backup b : newestFirst) {
            if (reasons.containsKey(b.id())) {
                kept.put(b.id(), List.copyOf(reasons.get(b.id())));
            }
        }
        return new Plan(kept, deleted);
    }

    private static void rule(List<Backup> newestFirst, int count, String name, Function<ZonedDateTime, String> period, ZoneId zone,
            Map<String, List<String>> reasons) {
        Set<String> seen = new HashSet<>();
        for (Backup b : newestFirst) {
            if (seen.size() >= count) {
                return;
            }
            if (seen.add(period.apply(b.created().atZone(zone)))) {
                reasons.computeIfAbsent(b.id(), k -> new ArrayList<>()).add(name + " " + seen.size());
            }
        }
    }

    @Override
    public String toString() {
        return hourly + "h," + daily + "d," + weekly + "w," + monthly + "m";
    }
}
