package offsite.retention;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * restic's `forget` over image backups: newest first, each rule on its own keeps the newest backup of each of its
 * buckets until its count of buckets is used; a backup kept by any rule stays, and so does the complete image of
 * every kept diff. A diff whose complete image is missing (or is not a complete image) cannot be restored: it
 * takes no rule's slot (the policy's counts are of restorable backups) and is kept and reported, because its base
 * may only be unreadable for now and deleting it would hide that.
 */
final class Forget {

    private static final Comparator<Backup> NEWEST_FIRST =
            Comparator.comparing(Backup::created).thenComparing(Backup::id).reversed();

    private Forget() {
    }

    static RetentionPolicy.Plan plan(RetentionPolicy policy, List<Backup> backups, ZoneId zone) {
        if (zone == null) {
            throw new IllegalArgumentException("retention needs a time zone to tell hours, days, weeks and months");
        }
        List<Backup> newestFirst = backups.stream().sorted(NEWEST_FIRST).toList();
        Map<String, Backup> byId = new HashMap<>();
        for (Backup b : newestFirst) {
            if (byId.put(b.id(), b) != null) {
                throw new IllegalArgumentException("backup id " + b.id() + " appears twice");
            }
        }
        Map<String, String> unrestorable = new LinkedHashMap<>();
        List<Backup> restorable = new ArrayList<>();
        for (Backup b : newestFirst) {
            Backup base = b.full() ? b : byId.get(b.base());
            if (base == null) {
                unrestorable.put(b.id(), "its complete image " + b.base() + " is missing");
            } else if (!base.full()) {
                unrestorable.put(b.id(), "its base " + b.base() + " is a diff, not a complete image");
            } else {
                restorable.add(b);
            }
        }
        Map<String, List<String>> reasons = new HashMap<>();
        policy.rules().forEach((period, count) -> keepNewestOfEachBucket(restorable, period, count, zone, reasons));
        keepBasesOfKeptDiffs(restorable, reasons);
        unrestorable.forEach((id, why) -> reasons.put(id, List.of("not restorable (" + why + "): never deleted by retention")));

        Map<String, List<String>> kept = new LinkedHashMap<>();
        List<Backup> deleted = new ArrayList<>();
        for (Backup b : newestFirst) {
            if (reasons.containsKey(b.id())) {
                kept.put(b.id(), reasons.get(b.id()));
            } else {
                deleted.add(b);
            }
        }
        return new RetentionPolicy.Plan(kept, deleted, unrestorable);
    }

    private static void keepNewestOfEachBucket(List<Backup> newestFirst, Period period, int count, ZoneId zone,
            Map<String, List<String>> reasons) {
        Set<Object> buckets = new HashSet<>();
        for (Backup b : newestFirst) {
            if (buckets.size() == count) {
                return;
            }
            if (buckets.add(period.bucket(b, zone))) {
                reasons.computeIfAbsent(b.id(), k -> new ArrayList<>()).add(period.rule + " " + buckets.size());
            }
        }
    }

    /** One reason per complete image, naming its newest kept diff (and how many older ones also need it). */
    private static void keepBasesOfKeptDiffs(List<Backup> newestFirst, Map<String, List<String>> reasons) {
        Map<String, List<String>> dependents = new LinkedHashMap<>();
        for (Backup b : newestFirst) {
            if (!b.full() && reasons.containsKey(b.id())) {
                dependents.computeIfAbsent(b.base(), k -> new ArrayList<>()).add(b.id());
            }
        }
        dependents.forEach((base, diffs) -> reasons.computeIfAbsent(base, k -> new ArrayList<>())
                .add("base of kept diff " + diffs.get(0) + (diffs.size() > 1 ? " and " + (diffs.size() - 1) + " older" : "")));
    }
}
