package offsite.retention;

import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many hourly, daily, weekly (ISO week) and monthly backups to keep, and optionally the latest N whatever
 * their age, applied with restic's `forget` semantics by {@link #apply}. Default 24h,7d,5w,6m.
 */
public record RetentionPolicy(int hourly, int daily, int weekly, int monthly, int latest) {

    public static final RetentionPolicy DEFAULT = new RetentionPolicy(24, 7, 5, 6, 0);
    private static final String SETTING = "offsite.image.keep";
    private static final String EXPECTED = "counts such as 24h,7d,5w,6m; units h (hourly), d (daily), w (weekly), m (monthly), l (latest)";
    private static final Pattern RULE = Pattern.compile("(\\d{1,6})([hdwml])");

    public RetentionPolicy {
        Map<String, Integer> named = Map.of("hourly", hourly, "daily", daily, "weekly", weekly, "monthly", monthly, "latest", latest);
        named.forEach((name, count) -> {
            if (count < 0) {
                throw new IllegalArgumentException(SETTING + ": " + name + " count " + count + " is negative (expected 0 or more)");
            }
        });
        if (hourly + daily + weekly + monthly + latest == 0) {
            throw new IllegalArgumentException(SETTING + ": keeps nothing (expected at least one count above 0, such as 24h,7d,5w,6m)");
        }
    }

    /** Calendar counts only, as the setting usually reads. */
    public RetentionPolicy(int hourly, int daily, int weekly, int monthly) {
        this(hourly, daily, weekly, monthly, 0);
    }

    /** Parses offsite.image.keep, such as "24h,7d,5w,6m" or "3l,7d"; a unit left out keeps none of its period. */
    public static RetentionPolicy parse(String text) {
        return parse(SETTING, text);
    }

    /** Parses a policy given under another name (a command-line option); errors name it and the bad value. */
    public static RetentionPolicy parse(String setting, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(setting + ": is empty (expected " + EXPECTED + ")");
        }
        Map<Character, Integer> counts = new LinkedHashMap<>();
        for (String part : text.trim().toLowerCase(Locale.ROOT).split("\\s*,\\s*", -1)) {
            Matcher m = RULE.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException(setting + ": '" + part + "' in '" + text + "' is not valid (expected " + EXPECTED + ")");
            }
            if (counts.put(m.group(2).charAt(0), Integer.parseInt(m.group(1))) != null) {
                throw new IllegalArgumentException(setting + ": unit '" + m.group(2) + "' appears twice in '" + text + "'");
            }
        }
        try {
            return new RetentionPolicy(counts.getOrDefault('h', 0), counts.getOrDefault('d', 0), counts.getOrDefault('w', 0),
                    counts.getOrDefault('m', 0), counts.getOrDefault('l', 0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": '" + text + "' keeps nothing (expected at least one count above 0)");
        }
    }

    /** The rules in the order their reasons are listed; counts of 0 left out. */
    Map<Period, Integer> rules() {
        Map<Period, Integer> rules = new EnumMap<>(Period.class);
        int[] counts = {latest, hourly, daily, weekly, monthly};
        for (Period p : Period.values()) {
            if (counts[p.ordinal()] > 0) {
                rules.put(p, counts[p.ordinal()]);
            }
        }
        return rules;
    }

    /** The plan with periods in the system time zone (where the operator reads the clock). */
    public Plan apply(List<Backup> backups) {
        return apply(backups, ZoneId.systemDefault());
    }

    /** The plan with hours, days, weeks and months taken in zone; pure: the same input gives the same plan. */
    public Plan apply(List<Backup> backups, ZoneId zone) {
        return Forget.plan(this, backups, zone);
    }

    /**
     * What stays, newest first with the reasons each is kept for; what goes, newest first; and the diffs that
     * cannot be restored (their complete image is missing), by id with why. Those are kept, never deleted silently.
     */
    public record Plan(Map<String, List<String>> kept, List<Backup> deleted, Map<String, String> unrestorable) {

        public Plan {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            kept.forEach((id, reasons) -> copy.put(id, List.copyOf(reasons)));
            kept = Collections.unmodifiableMap(copy);
            deleted = List.copyOf(deleted);
            unrestorable = Collections.unmodifiableMap(new LinkedHashMap<>(unrestorable));
        }

        public boolean keeps(String id) {
            return kept.containsKey(id);
        }
    }

    @Override
    public String toString() {
        StringJoiner out = new StringJoiner(",");
        rules().forEach((period, count) -> out.add(count + (period == Period.LAST ? "l" : period.rule.substring(0, 1))));
        return out.toString();
    }
}
