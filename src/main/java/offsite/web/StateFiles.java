package offsite.web;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import offsite.activity.Activity;
import offsite.activity.ActivityLog;
import offsite.cost.InventoryState;
import offsite.cost.StorageHistory;
import offsite.report.ImageReport;
import offsite.report.RestoreTestReport;
import offsite.report.OfflineReport;
import offsite.report.ReportStore;
import offsite.report.SyncReport;

/**
 * What the status page shows, read from the data directory only (reports, activity log, inventory, storage
 * history), never from S3: each file that cannot be read costs only its own part, and is named in problems.
 */
final class StateFiles {

    /** One answer's reading: what could be read (null where nothing could), and one line per file that could not. */
    record Read(SyncReport sync, RestoreTestReport setTest, ImageReport image, RestoreTestReport imageTest, OfflineReport offline, List<Activity> activity, InventoryState.Snapshot inventory,
            Map<LocalDate, Long> storageDays, List<String> problems) {
    }

    private final ReportStore reports;
    private final ActivityLog activity;
    private final InventoryState inventory;
    private final StorageHistory history;

    StateFiles(ReportStore reports, ActivityLog activity, InventoryState inventory, StorageHistory history) {
        this.reports = reports;
        this.activity = activity;
        this.inventory = inventory;
        this.history = history;
    }

    Read read() {
        List<String> problems = new ArrayList<>();
        ReportStore.Latest<SyncReport> sync = attempt("the last sync report", reports::sync, new ReportStore.Latest<>(null, null), problems);
        ReportStore.Latest<ImageReport> image = attempt("the last image report", reports::image, new ReportStore.Latest<>(null, null), problems);
        ReportStore.Latest<RestoreTestReport> setTest = attempt("the set's last restore test's report", () -> reports.restoreTest("verify"),
                new ReportStore.Latest<>(null, null), problems);
        ReportStore.Latest<RestoreTestReport> imageTest = attempt("the images' last restore test's report",
                () -> reports.restoreTest("verify-image"), new ReportStore.Latest<>(null, null), problems);
        ReportStore.Latest<OfflineReport> offline = attempt("the last offline copy's report", reports::offline, new ReportStore.Latest<>(null, null),
                problems);
        ActivityLog.Read log = attempt("the activity log", activity::read, new ActivityLog.Read(List.of(), List.of()), problems);
        StorageHistory.Read days = attempt("the storage history", history::read, new StorageHistory.Read(Map.of(), null), problems);
        InventoryState.Snapshot listed = null;
        try {
            listed = inventory.load();
        } catch (IOException | RuntimeException e) {
            problems.add(e instanceof IOException ? e.getMessage() : inventory.file() + ": " + e);
        }
        addIf(problems, sync.problem());
        addIf(problems, image.problem());
        addIf(problems, setTest.problem());
        addIf(problems, imageTest.problem());
        addIf(problems, offline.problem());
        problems.addAll(log.problems());
        addIf(problems, days.problem());
        return new Read(sync.report(), setTest.report(), image.report(), imageTest.report(), offline.report(), log.activities(), listed, days.days(), problems);
    }

    /** Reading a part of the state; a failure nobody foresaw is one problem line, not a failed page. */
    static <T> T attempt(String what, Supplier<T> read, T fallback, List<String> problems) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            problems.add("could not read " + what + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("")));
            return fallback;
        }
    }

    private static void addIf(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }
}
