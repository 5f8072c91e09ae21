package offsite.sync;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import offsite.config.SettingError;
import offsite.config.Settings;

/** The offsite.sync.* settings, checked together. A null source means the generated demo set. */
public record SyncSettings(
        Path source,
        String prefix,
        int streams,
        int partStreams,
        BandwidthSchedule bandwidth,
        UploadShape shape,
        String cron,
        Duration startDelayMax,
        Duration maxDuration,
        Duration grace,
        Duration stableFor,
        Duration quietPeriod,
        List<String> maintenanceMarkers,
        DeletionPolicy deletion,
        ChangeGuard changes,
        String trashPrefix,
        int retireAfterDays,
        boolean scheduled,
        boolean runOnStart) {

    public SyncSettings {
        // a key that starts with '/' is refused by S3-compatible servers as a bad signature, which would blame the credentials
        if (!prefix.endsWith("/") || prefix.startsWith("/")) { // empty too: the trash and older generations live beside it
            throw new SettingError("offsite.sync.prefix", prefix, "a prefix ending in '/' and not starting with it, such as sets/ (the"
                    + " trash and older generations are kept beside the mirror, outside it)");
        }
        if (trashPrefix.isEmpty() || !trashPrefix.endsWith("/") || trashPrefix.startsWith("/") || trashPrefix.startsWith(prefix)
                || prefix.startsWith(trashPrefix)) {
            throw new SettingError("offsite.sync.trash-prefix", trashPrefix,
                    "a prefix ending in '/', not starting with it, outside offsite.sync.prefix ('" + prefix + "'), such as trash/");
        }
        maintenanceMarkers = List.copyOf(maintenanceMarkers);
    }

    public static SyncSettings from(Settings s) {
        String source = s.optional("offsite.sync.source");
        // the process's working directory differs under bin/offsite, the container and systemd
        if (source != null && !Path.of(source).isAbsolute()) {
            throw new SettingError("offsite.sync.source", source, "an absolute path, the folder the backup application writes its sets"
                    + " to: a relative one would depend on the folder Offsite is started from");
        }
        long partSize = s.size("offsite.sync.part-size");
        if (partSize < UploadShape.MIN_PART || partSize > UploadShape.MAX_PART) {
            throw new SettingError("offsite.sync.part-size", s.text("offsite.sync.part-size"), "a size from 5MB to 5GB, S3's part limits");
        }
        long threshold = s.size("offsite.sync.multipart-threshold");
        if (threshold > UploadShape.MAX_PART) {
            throw new SettingError("offsite.sync.multipart-threshold", s.text("offsite.sync.multipart-threshold"),
                    "at most 5GB, the largest single PUT S3 takes");
        }
        if (threshold < partSize) {
            throw new SettingError("offsite.sync.multipart-threshold", s.text("offsite.sync.multipart-threshold"),
                    "at least offsite.sync.part-size (" + s.text("offsite.sync.part-size") + ")");
        }
        return new SyncSettings(
                source == null ? null : Path.of(source).normalize(),
                s.optional("offsite.sync.prefix") == null ? "" : s.text("offsite.sync.prefix"),
                s.integer("offsite.sync.streams", 1, 64),
                s.integer("offsite.sync.part-streams", 1, 32),
                BandwidthSchedule.parse(s.optional("offsite.sync.bandwidth")),
                new UploadShape(threshold, partSize),
                s.cron("offsite.sync.cron"),
                s.duration("offsite.sync.start-delay-max", Duration.ofDays(1)), // longer carries a night into the next
                s.positiveDuration("offsite.sync.max-duration"),
                s.duration("offsite.sync.grace"),
                s.duration("offsite.sync.stable-for"),
                s.duration("offsite.sync.quiet-period"),
                s.list("offsite.sync.maintenance-marker"),
                new DeletionPolicy(s.flag("offsite.sync.delete"), s.integer("offsite.sync.max-delete-count", 0, Integer.MAX_VALUE),
                        s.decimal("offsite.sync.max-delete-percent", 0, 100), s.integer("offsite.sync.trash-days", 0, 36500)),
                new ChangeGuard(s.decimal("offsite.sync.max-change-percent", 0, 100)),
                s.text("offsite.sync.trash-prefix"),
                s.integer("offsite.sync.retire-after-days", 0, 36500),
                s.flag("offsite.sync.scheduled"),
                s.flag("offsite.sync.run-on-start"));
    }

    /**
     * Values that are valid but more likely a mistake than meant, each said as one WARN line at start naming the setting,
     * its value and what it does; none for the defaults.
     */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        if (deletion.trashDays() == 0) {
            out.add("offsite.sync.trash-days=0: what a pass deletes or replaces is purged from the trash by the first pass of a"
                    + " later day (UTC), so a file lost or damaged in the source can be got back until then at most (the default, 30,"
                    + " keeps it a month)");
        }
        if (changes.maxPercent() == 0) {
            out.add("offsite.sync.max-change-percent=0: every pass that would replace a stored file (one that changed or grew) is"
                    + " refused until `sync --accept-changes`; 0 does not turn this limit off, 100 does");
        }
        return out;
    }

    public SyncSettings withSource(Path newSource) {
        return new SyncSettings(newSource, prefix, streams, partStreams, bandwidth, shape, cron, startDelayMax, maxDuration, grace, stableFor,
                quietPeriod, maintenanceMarkers, deletion, changes, trashPrefix, retireAfterDays, scheduled, runOnStart);
    }
}
