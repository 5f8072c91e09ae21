package offsite;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import offsite.activity.ActivityLog;
import offsite.activity.ActivityRecorder;
import offsite.config.CronDays;
import offsite.config.SettingError;
import offsite.config.SettingNames;
import offsite.config.Settings;
import offsite.cost.InventoryState;
import offsite.cost.Prices;
import offsite.cost.StorageHistory;
import offsite.cost.StorageSampler;
import offsite.files.DriveLook;
import offsite.files.RestoreTarget;
import offsite.image.ImageBackup;
import offsite.image.ImageRestore;
import offsite.image.ImageSettings;
import offsite.image.ImageTree;
import offsite.image.ImageVerify;
import offsite.image.SecretArchiveFormat;
import offsite.image.SignedManifests;
import offsite.image.SigningKey;
import offsite.image.TreeSelection;
import offsite.image.VerifyKey;
import offsite.notify.AliveMark;
import offsite.notify.DeliveryLog;
import offsite.notify.LastDeliveries;
import offsite.notify.MailSettings;
import offsite.notify.MailSockets;
import offsite.notify.MissedWindows;
import offsite.notify.Notices;
import offsite.notify.NotifySettings;
import offsite.notify.Redaction;
import offsite.notify.RetryDelays;
import offsite.notify.StallWatch;
import offsite.offline.OfflineCopy;
import offsite.offline.OfflineRetry;
import offsite.offline.OfflineRun;
import offsite.report.ReportStore;
import offsite.store.Bucket;
import offsite.store.BucketCheck;
import offsite.store.CheckedPut;
import offsite.store.DaemonPool;
import offsite.store.EmbeddedS3;
import offsite.store.EtagForm;
import offsite.store.FallbackBucket;
import offsite.store.Fallbacks;
import offsite.store.Generations;
import offsite.store.RemoteListing;
import offsite.store.S3Bucket;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import offsite.store.S3SettingsReader;
import offsite.store.ServiceClock;
import offsite.store.UnansweredRequests;
import offsite.store.UnusedListings;
import offsite.store.UploadJournal;
import offsite.sync.BandwidthLimiter;
import offsite.sync.ChunkUpload;
import offsite.sync.DamagedObjects;
import offsite.sync.DemoSet;
import offsite.sync.HashCache;
import offsite.sync.MaintenanceGuard;
import offsite.sync.PassReport;
import offsite.sync.PassesInFlight;
import offsite.sync.ReplacedCopies;
import offsite.sync.SampledRestore;
import offsite.sync.ScheduleGaps;
import offsite.sync.SetRestore;
import offsite.sync.SetVerify;
import offsite.sync.SourceCheck;
import offsite.sync.SourceScan;
import offsite.sync.StoppedStore;
import offsite.sync.SyncLock;
import offsite.sync.SyncPass;
import offsite.sync.SyncSettings;
import offsite.sync.TrashMoves;
import offsite.web.CachedCheck;
import offsite.web.Health;
import offsite.web.HttpAuth;
import offsite.web.ObjectDownload;
import offsite.web.OffsiteMetrics;
import offsite.web.PagePort;
import offsite.web.PageServer;
import offsite.web.StatusPage;
import offsite.web.WebPaths;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.component.mail.DefaultAuthenticator;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds every bean of the application, once, from the settings; the routes refer to them by name. */
public final class OffsiteConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(OffsiteConfiguration.class);
    /** How long the start waits for a disk (the offline drive, the set's share) to answer a look: a healthy one takes microseconds. */
    private static final Duration DRIVE_ANSWERS_WITHIN = Duration.ofSeconds(5);

    @Override
    public void configure(CamelContext camel) throws Exception {
        Settings settings = new Settings(key -> SettingNames.LITERAL.contains(key) ? literal(camel, key)
                : camel.getPropertiesComponent().resolveProperty(key).orElse(null));
        String mode = settings.optional("offsite.mode") == null ? "run" : settings.optional("offsite.mode");
        Path dataDir = settings.folder("offsite.data.dir");
        S3Settings s3Settings = S3SettingsReader.from(settings);
        // under 1MB a month's log would become thousands of files ("64" is 64 bytes, not 64MB)
        long rotateSize = settings.size("offsite.activity.rotate-size", 1L << 20, 1L << 40);
        int heldRequests = settings.integer("offsite.activity.held-requests", 1000, Integer.MAX_VALUE);
        Clock clock = Clock.systemDefaultZone();

        // a pipeline is on when its source or roots are set; a command checks only the settings of what it uses
        boolean daemon = "run".equals(mode);
        boolean syncUsed = !Set.of("image", "restore-image", "verify-image").contains(mode);
        boolean imageUsed = !Set.of("sync", "verify", "restore-set", "offline").contains(mode);
        ImageSettings image = ImageSettings.from(imageUsed ? settings : Settings.defaults());
        SyncSettings sync = SyncSettings.from(syncUsed ? settings : Settings.defaults());
        String maxAgeWarning = (daemon || "image".equals(mode)) && image.enabled()
                ? ImageSettings.maxAgeWarning(settings.optional("offsite.image.full-max-age")) : null;
        if (maxAgeWarning != null) {
            LOG.warn("{}", maxAgeWarning);
        }
        // the scan keeps the data directory out only below the source: as the source itself, every pass would mirror Offsite's
        // own state, and the activity log it writes during the pass would hold each one back as the backup application's work
        if (syncUsed && sync.source() != null && sameFolder(sync.source(), dataDir)) {
            throw new SettingError("offsite.data.dir", settings.text("offsite.data.dir"), "another folder than offsite.sync.source ('"
                    + sync.source() + "'), the backup set: Offsite's own state (activity log, hash cache, reports) would be mirrored with"
                    + " it, and every pass skipped as the backup application looking busy; a folder inside the source is kept out of it");
        }
        // every route is built whatever the command, and each schedule's quartz endpoint parses its cron: a bad one is named
        // here, not in Quartz's stack trace
        for (String cron : List.of("offsite.sync.cron", "offsite.image.cron", "offsite.offline.cron")) {
            settings.cron(cron);
        }
        boolean restoreTests = !settings.text("offsite.image.verify-cron").isBlank(); // empty: no restore test
        if (restoreTests) {
            settings.cron("offsite.image.verify-cron");
        }
        // day numbers counted as crontab counts them are valid and run on other days: said by run and the schedule's own command
        Map<String, String> scheduledBy = Map.of("offsite.sync.cron", "sync", "offsite.image.cron", "image", "offsite.offline.cron", "offline",
                "offsite.image.verify-cron", "verify-image", "offsite.sync.verify-cron", "verify");
        scheduledBy.forEach((cron, command) -> {
            String warning = daemon || mode.equals(command) ? CronDays.warning(cron, settings.text(cron)) : null;
            if (warning != null) {
                LOG.warn("{}", warning);
            }
        });
        // the prefixes as set, whatever this command uses: one inside another would let a pass trash the other's objects
        Generations.refuseOverlaps(settings.text("offsite.sync.prefix"), Map.of("offsite.sync.trash-prefix",
                settings.text("offsite.sync.trash-prefix"), "offsite.image.prefix", settings.text("offsite.image.prefix")));

        boolean embedded = s3Settings.embedded();
        if (embedded) {
            int port = settings.integer("offsite.s3.embedded-port", 0, 65535);
            if (daemon && port == pagePort(settings)) {
                throw new SettingError("offsite.s3.embedded-port", String.valueOf(port), "another port than offsite.http.port, which the"
                        + " status page listens on, or 0 for any free one");
            }
            EmbeddedS3 server = EmbeddedS3.start(dataDir.resolve("embedded-s3"), port);
            closeWithCamel(camel, server);
            s3Settings = server.settings(s3Settings);
            LOG.info("embedded S3 (S3Proxy) listening on {}, blobs under {}", server.endpoint(), dataDir.resolve("embedded-s3"));
        }
        if (sync.source() == null && syncUsed) {
            if (image.enabled() || !embedded && !daemon) {
                camel.getPropertiesComponent().addOverrideProperty("offsite.sync.scheduled", "false");
            } else if (!embedded) {
                throw new SettingError("offsite.sync.source", "", "the backup-set directory to mirror, or offsite.image.roots for image"
                        + " backups only (the generated demo set is only for the embedded store)");
            } else {
                sync = sync.withSource(DemoSet.ensure(dataDir.resolve("demo-set")));
                camel.getPropertiesComponent().addOverrideProperty("offsite.sync.source", sync.source().toString());
                if (daemon) {
                    camel.getPropertiesComponent().addOverrideProperty("offsite.sync.run-on-start", "true");
                }
                LOG.info("no offsite.sync.source set: mirroring the generated demo set {}", sync.source());
            }
        }

        if (Set.of("run", "sync").contains(mode) && sync.source() != null) {
            sync.warnings().forEach(w -> LOG.warn("{}", w));
        }

        ActivityLog activity = new ActivityLog(dataDir.resolve("activity"), rotateSize, heldRequests);
        // what is decided about remote data (trash, retirements, leases) goes by the service's time, not a wrong host clock
        ServiceClock serviceClock = new ServiceClock(clock);
        // every upload stream's parts in flight at once, plus listings, restores and the page's downloads beside them
        UnansweredRequests unanswered = new UnansweredRequests();
        S3Client client = S3ClientFactory.create(s3Settings, sync.streams() * sync.partStreams() + 16, new ActivityRecorder(activity,
                pipelines(sync, image)), serviceClock.dateHeaders(), unanswered);
        closeWithCamel(camel, client);
        Fallbacks fallbacks = new Fallbacks();
        Bucket bucket = new FallbackBucket(new S3Bucket(client, s3Settings, fallbacks), new UploadJournal(dataDir.resolve("uploads")),
                fallbacks, clock);
        EtagForm etags = new EtagForm(EtagForm.Setting.parse(settings.text("offsite.s3.etag")), dataDir.resolve("opaque-etags.txt"),
                s3Settings.bucket(), fallbacks);
        HashCache hashes = new HashCache(dataDir.resolve("hash-cache.tsv"), settings.decimal("offsite.sync.rehash-percent", 0, 100), clock);
        BandwidthLimiter limiter = new BandwidthLimiter(sync.bandwidth(), clock);
        SourceScan scan = new SourceScan(sync.source(), clock, settings.flag("offsite.sync.follow-symlinks"), dataDir);
        // a generation never points into another pipeline's prefix: the image one as set, even for a command that ignores images
        String imagePrefix = settings.optional("offsite.image.prefix") == null ? image.prefix() : settings.optional("offsite.image.prefix");
        Generations generations = new Generations(bucket, sync.prefix(), Map.of("offsite.sync.trash-prefix", sync.trashPrefix(),
                "offsite.image.prefix", imagePrefix));
        ReportStore reports = new ReportStore(dataDir.resolve("reports"));
        PassesInFlight passes = new PassesInFlight();
        ExecutorService partPool = DaemonPool.of(sync.streams() * sync.partStreams(), "sync-part");
        ExecutorService streams = DaemonPool.of(sync.streams(), "sync-stream");
        // the requests in flight at once: a pass's streams x part-streams, and an image backup's one (side by side in run)
        int inFlight = (syncUsed ? sync.streams() * sync.partStreams() : 0) + (imageUsed ? 1 : 0);
        StoppedStore stoppedStore = new StoppedStore(unanswered, inFlight, s3Settings.maxAttempts(), s3Settings.endpoint());
        // one guard for the mirror and the offline copy: both keep out of the backup application's way by the same markers
        MaintenanceGuard guard = new MaintenanceGuard(sync.maintenanceMarkers(), sync.quietPeriod());
        // objects a deep check found damaged (their bytes not their ETag's): the next pass sends their files again
        DamagedObjects damaged = new DamagedObjects(dataDir.resolve("damaged-objects.json"));
        camel.getRegistry().bind("damagedObjects", damaged);
        camel.getRegistry().bind("syncPass", new SyncPass(sync, s3Settings, scan, guard, bucket, hashes, generations,
                new SyncLock(dataDir, bucket, serviceClock, SyncLock.localHost()), passes, etags, damaged, stoppedStore, clock));
        camel.getRegistry().bind("chunkUpload", new ChunkUpload(bucket, sync.shape(), hashes, limiter, partPool, sync.partStreams(),
                new ReplacedCopies(bucket, fallbacks, sync.trashPrefix(), serviceClock),
                s3Settings.signPayload() && "http".equalsIgnoreCase(s3Settings.endpoint().getScheme()), etags));
        camel.getRegistry().bind("trashMoves", new TrashMoves(sync, bucket, generations, etags, stoppedStore, serviceClock));
        camel.getRegistry().bind("passReport", new PassReport(sync, s3Settings.bucket(), hashes, limiter, reports, generations, fallbacks,
                passes, stoppedStore, activity::unrecordedSince, new UnusedListings(bucket, generations, serviceClock), damaged, clock));
        camel.getRegistry().bind("passOutcomes", new PassOutcomes());
        camel.getRegistry().bind("passesInFlight", passes);

        camel.getRegistry().bind("setRestore", new SetRestore(bucket, sync.shape(), limiter, streams, etags,
                new StoppedStore(unanswered, sync.streams(), s3Settings.maxAttempts(), s3Settings.endpoint()))); // one download a stream
        SetVerify setVerify = new SetVerify(bucket, sync.shape(), etags);
        camel.getRegistry().bind("setVerify", setVerify);
        // run's weekly restore test of the set (routes/sync.yaml): its quartz endpoint is built whatever the command, so it gets
        // a cron that parses when the setting is empty, and never starts then
        boolean setTests = !settings.text("offsite.sync.verify-cron").isBlank();
        int setTestFiles = settings.integer("offsite.sync.verify-files", 1, 1000);
        if (setTests) {
            settings.cron("offsite.sync.verify-cron");
        }
        camel.getRegistry().bind("sampledRestore", new SampledRestore(setVerify, setTestFiles, s3Settings, reports, damaged, new Random(),
                clock));
        camel.getPropertiesComponent().addOverrideProperty("offsite.sync.verify-scheduled", String.valueOf(daemon && setTests
                && sync.source() != null));
        camel.getPropertiesComponent().addOverrideProperty("offsite.sync.verify-quartz-cron", setTests
                ? settings.text("offsite.sync.verify-cron") : sync.cron());
        String offline = settings.optional("offsite.offline.destination");
        // checked where a copy can run: run's schedule and the offline command; the schedule starts only in run
        if (offline != null && (daemon || "offline".equals(mode))) {
            // the process's working directory differs under bin/offsite, the container and systemd
            if (!Path.of(offline).isAbsolute()) {
                throw new SettingError("offsite.offline.destination", offline, "an absolute path, the mount point of the drive the"
                        + " copies go to: a relative one would depend on the folder Offsite is started from");
            }
            // a hung drive holds for good whatever stats it: looked at aside, and a start without an answer goes on without it
            Optional<Boolean> file = DriveLook.within(DRIVE_ANSWERS_WITHIN, () -> Files.isRegularFile(Path.of(offline)));
            if (file.isEmpty()) {
                LOG.warn("offsite.offline.destination: {} did not answer within {} s (a drive that hung?): not looked at now; each"
                        + " copy looks again, and one held longer than offsite.stalled-after is said", offline,
                        DRIVE_ANSWERS_WITHIN.toSeconds());
            }
            if (file.orElse(false)) { // an unplugged drive leaves its mount point, a folder: a file is a wrong path
                throw new SettingError("offsite.offline.destination", offline, "a folder, the mount point of the drive the copies go to");
            }
            if (sync.source() == null) {
                throw new SettingError("offsite.offline.destination", offline, "empty while offsite.sync.source is empty: the offline"
                        + " copy copies the backup set, and there is none to copy");
            }
            Path drive = file.isEmpty() ? Path.of(offline).normalize() : RestoreTarget.real(Path.of(offline));
            Path set = RestoreTarget.real(sync.source());
            if (drive.startsWith(set)) {
                throw new SettingError("offsite.offline.destination", offline, "a folder outside offsite.sync.source ('" + sync.source()
                        + "'): a snapshot inside the backup set would be mirrored to S3 with it and copied into every later snapshot");
            }
            if (set.startsWith(drive)) {
                throw new SettingError("offsite.offline.destination", offline, "a folder that does not hold offsite.sync.source ('"
                        + sync.source() + "'): a snapshot beside the set, on the disk that holds it, is no offline copy");
            }
        }
        // the mirror's scan and guard: the snapshot holds the set as mirrored, by one rule of what belongs to it
        OfflineCopy offlineCopy = new OfflineCopy(scan, guard, sync.stableFor(), offline == null ? dataDir.resolve("no-offline-destination")
                : Path.of(offline), settings.flag("offsite.offline.require-mount"), clock, OfflineCopy::usableSpace);
        Duration retryEvery = settings.duration("offsite.offline.retry-every");
        Duration stalledAfter = settings.duration("offsite.stalled-after");
        OfflineRun offlineRun = new OfflineRun(offlineCopy, reports, settings.text("offsite.offline.cron"), retryEvery, stalledAfter, clock,
                dataDir.resolve("offline.lock"));
        camel.getRegistry().bind("offlineRun", offlineRun);
        OfflineRetry offlineRetry = new OfflineRetry(reports, settings.text("offsite.offline.cron"), retryEvery, clock, offlineRun::copying);
        camel.getRegistry().bind("offlineRetry", offlineRetry);
        camel.getPropertiesComponent().addOverrideProperty("offsite.offline.scheduled", String.valueOf(offline != null && daemon));
        camel.getPropertiesComponent().addOverrideProperty("offsite.offline.retry-scheduled",
                String.valueOf(offline != null && daemon && !retryEvery.isZero()));
        // looked at each minute, or each retry-every when shorter (a second at least: each look reads the saved reports)
        camel.getPropertiesComponent().addOverrideProperty("offsite.offline.retry-check-millis",
                String.valueOf(Math.max(1_000, Math.min(60_000, retryEvery.isZero() ? 60_000 : retryEvery.toMillis()))));
        // a run that stopped moving is told within a quarter of stalled-after, looked at each minute at most: run's passes,
        // images and copies, and those of the sync, image and offline commands
        camel.getPropertiesComponent().addOverrideProperty("offsite.stall-watched", String.valueOf(daemon
                || Set.of("sync", "image", "offline").contains(mode))); // the commands too: cron runs them, and a hung disk holds them
        camel.getPropertiesComponent().addOverrideProperty("offsite.stall-check-millis",
                String.valueOf(Math.max(1_000, Math.min(60_000, stalledAfter.isZero() ? 60_000 : stalledAfter.toMillis() / 4))));
        // roots of / hold the data directory: the image being built, the last one's index and signature stay out of it; on a
        // backup host they hold the set (100 GB and more, read every hour) and the offline drive too, each with a pipeline of its own
        TreeSelection selection = image.selection().keepingOut(dataDir);
        Map<String, Path> ownPipelines = new LinkedHashMap<>(); // as set, whatever this command uses: `image` reads no sync settings
        for (String setting : List.of("offsite.sync.source", "offsite.offline.destination")) {
            if (settings.optional(setting) != null) {
                ownPipelines.put(setting, Path.of(settings.optional(setting)).toAbsolutePath().normalize());
            }
        }
        for (Map.Entry<String, Path> own : ownPipelines.entrySet()) {
            Path named = own.getValue();
            Path real = DriveLook.within(DRIVE_ANSWERS_WITHIN, () -> RestoreTarget.real(named)).orElse(named); // a hung drive: as named
            selection = selection.keepingOut(List.of(named, real));
            for (Path root : Set.of("run", "image").contains(mode) ? image.roots() : List.<Path>of()) {
                if (root.startsWith(named)) { // the whole root would be left out: an image of nothing, every hour
                    throw new SettingError("offsite.image.roots", root.toString(), "folders outside " + own.getKey() + " ('" + named
                            + "'), which has a pipeline of its own and which image backups leave out");
                }
            }
            if (Set.of("run", "image").contains(mode) && image.roots().stream().anyMatch(named::startsWith)) {
                LOG.info("image backups leave out {} ({}): it has a pipeline of its own", named, own.getKey());
            }
        }
        ImageTree tree = new ImageTree(selection);
        camel.getRegistry().bind("imageSettings", image);
        camel.getRegistry().bind("secretPgp", new DataFormatOnFirstUse(() -> SecretArchiveFormat.create(image.keysDir())));
        camel.getRegistry().bind("imageBackup", new ImageBackup(image, tree, dataDir.resolve("image"), clock, ZoneId.systemDefault(), bucket,
                reports, stoppedStore, signingKey(settings, mode, clock)));
        ImageBackup imageBackup = camel.getRegistry().lookupByNameAndType("imageBackup", ImageBackup.class);
        camel.getRegistry().bind("stallWatch", new StallWatch(Map.of("sync", passes::underWay, "image", imageBackup::underWay,
                "offline", offlineRun::runUnderWay), Map.of("sync", "mirror pass", "image", "image backup", "offline", "offline copy to "
                + offlineCopy.destination()), stalledAfter, System::nanoTime));
        camel.getRegistry().bind("imageRestore", new ImageRestore(bucket, dataDir.resolve("image/restore-work")));
        boolean restoreTested = image.enabled() && daemon && restoreTests;
        String verifyKey = Set.of("restore-image", "verify-image").contains(mode) || restoreTested
                ? settings.optional("offsite.image.verify-key") : null;
        SignedManifests signedManifests = new SignedManifests(bucket, image.prefix(),
                verifyKey == null ? null : VerifyKey.load(Path.of(verifyKey), "offsite.image.verify-key"));
        camel.getRegistry().bind("signedManifests", signedManifests);
        camel.getRegistry().bind("imageVerify", new ImageVerify(bucket, s3Settings, image, imageBackup, signedManifests,
                camel.getRegistry().lookupByNameAndType("imageRestore", ImageRestore.class), reports, clock));
        camel.getPropertiesComponent().addOverrideProperty("offsite.image.scheduled", String.valueOf(image.enabled() && daemon));
        // run's weekly restore test (routes/image.yaml): the quartz endpoint is built whatever the command, so it gets a cron that
        // parses when the setting is empty, and never starts then
        camel.getPropertiesComponent().addOverrideProperty("offsite.image.verify-scheduled", String.valueOf(restoreTested));
        camel.getPropertiesComponent().addOverrideProperty("offsite.image.verify-quartz-cron", restoreTests
                ? settings.text("offsite.image.verify-cron") : image.cron());
        camel.getPropertiesComponent().addOverrideProperty("offsite.notify.resend-scheduled", String.valueOf(daemon));
        if (daemon) {
            if (sync.source() != null) {
                warnOfDaysWithoutRun("offsite.sync.cron", sync.cron(), clock);
            }
            if (image.enabled()) {
                warnOfDaysWithoutRun("offsite.image.cron", image.cron(), clock);
            }
        }
        LastDeliveries deliveries = new LastDeliveries(dataDir.resolve("notifications.json"));
        bindWeb(camel, settings, daemon, s3Settings, sync, image, bucket, fallbacks, activity, passes, generations, deliveries, dataDir, clock);
        // only the runs notify (the offline command too): restores, verify, status and cost neither read nor check offsite.notify.*
        NotifySettings notify = NotifySettings.from(Set.of("run", "sync", "image", "offline").contains(mode) ? settings : Settings.defaults());
        // Camel's redelivery delay takes milliseconds only; the setting takes a duration such as 10s, as the others do
        camel.getPropertiesComponent().addOverrideProperty("offsite.notify.retry-delay-millis", String.valueOf(notify.retryDelay().toMillis()));
        bindNotify(camel, notify, sync.cron(), dataDir, deliveries, camel.getRegistry().lookupByNameAndType("offsiteMetrics", OffsiteMetrics.class), clock);
        // the aws2-s3 endpoints of the routes share the seam's client (autowired: the only S3Client bean)
        camel.getRegistry().bind("s3Client", client);
        camel.getRegistry().bind("bucket", bucket);
        camel.getRegistry().bind("generations", generations);
        camel.getRegistry().bind("activityLog", activity);
        camel.getRegistry().bind("checkedPut", new CheckedPut(bucket, etags));
        camel.getRegistry().bind("remoteListing", new RemoteListing(bucket));
        camel.getRegistry().bind("sourceScan", scan);
        camel.getRegistry().bind("syncStreams", streams);
        camel.getRegistry().bind("syncSettings", sync);
        camel.getRegistry().bind("s3Settings", s3Settings);
        camel.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event.getType() == CamelEvent.Type.CamelContextStopping) {
                    passes.stopAll("the process is shutting down");
                }
            }
        });
    }

    /** The status page's port; 0 would serve on a port no one knows, whose requests the Host check would all refuse. */
    private static int pagePort(Settings settings) {
        return settings.integer("offsite.http.port", 1, 65535);
    }

    /**
     * Whether two paths are one folder, through links and "..": taken as written when one does not exist yet, or lies on a
     * share that gives no answer (looked at aside: a hung one would hold the start).
     */
    private static boolean sameFolder(Path a, Path b) {
        boolean named = a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        return DriveLook.within(DRIVE_ANSWERS_WITHIN, () -> {
            try {
                return Files.isSameFile(a, b);
            } catch (IOException e) {
                return named;
            }
        }).orElse(named);
    }

    /**
     * offsite.image.signing-key unlocked, for the commands that make image backups (run, image); null when it is not set.
     * A key that cannot sign stops the start here, not the first backup an hour later; the passphrase is not kept.
     */
    private static SigningKey signingKey(Settings settings, String mode, Clock clock) {
        String file = settings.optional("offsite.image.signing-key");
        if (file == null || !Set.of("run", "image").contains(mode)) {
            return null;
        }
        String passphrase = settings.optional("offsite.image.signing-passphrase");
        char[] chars = passphrase == null ? null : passphrase.toCharArray();
        try {
            SigningKey key = SigningKey.load(Path.of(file).toAbsolutePath(), chars, clock.instant());
            SigningKey.Expiry expiry = key.expiry(clock.instant());
            if (expiry != null) { // said again by the first backup, in its report
                LOG.warn("{}", expiry.line());
            }
            return key;
        } finally {
            if (chars != null) {
                Arrays.fill(chars, '\0');
            }
        }
    }

    /**
     * Which pipeline a key belongs to, by prefix; the mirror's generations live beside its prefix (sets.g2/,
     * sets.generations.json, each pass's listing under sets.generations/).
     */
    private static Map<String, String> pipelines(SyncSettings sync, ImageSettings image) {
        Map<String, String> out = new HashMap<>(Map.of(sync.prefix(), "sync", sync.trashPrefix(), "sync", image.prefix(), "image"));
        if (!sync.prefix().isEmpty()) {
            out.put(sync.prefix().substring(0, sync.prefix().length() - 1) + ".", "sync");
            out.put(sync.prefix().substring(0, sync.prefix().length() - 1) + ".generations.json", "state");
            out.put(sync.prefix().substring(0, sync.prefix().length() - 1) + ".generations/", "state");
            out.put(sync.prefix().substring(0, sync.prefix().length() - 1) + ".lease.json", "state");
        }
        return out;
    }

    /** The status page, its API and downloads, metrics and health, all served from local state behind one guard (routes/web.yaml). */
    private static void bindWeb(CamelContext camel, Settings settings, boolean serving, S3Settings s3, SyncSettings sync, ImageSettings image,
            Bucket bucket, Fallbacks fallbacks, ActivityLog activity, PassesInFlight passes, Generations generations, LastDeliveries deliveries,
            Path dataDir, Clock clock)
            throws Exception {
        String user = settings.optional("offsite.http.user");
        String password = settings.optional("offsite.http.password");
        String host = settings.text("offsite.http.host");
        int port = pagePort(settings);
        if (serving) { // only the long-running process serves the page: one-shot commands ignore offsite.http.*
            HttpAuth.checkBinding(host, user, password);
            PagePort.requireOwnAddress(host);
            PageServer.requireListening(camel, host, port); // the port is refused once Camel's server has failed to bind it
        }
        camel.getRegistry().bind("httpAuth", new HttpAuth(user, password, host, port));
        camel.getRegistry().bind("objectDownload", new ObjectDownload(bucket, s3));
        camel.getRegistry().bind("webPaths", new WebPaths(List.of(sync.prefix(), sync.trashPrefix(), image.prefix()), generations.laterStem()));
        ReportStore reports = new ReportStore(dataDir.resolve("reports"));
        OffsiteMetrics metrics = new OffsiteMetrics(() -> camel.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class));
        activity.listen(metrics::record);
        camel.getRegistry().bind("offsiteMetrics", metrics);
        Supplier<ImageBackup> imageBackup = () -> camel.getRegistry().lookupByNameAndType("imageBackup", ImageBackup.class);
        InventoryState inventory = new InventoryState(dataDir.resolve("inventory.json"));
        StorageHistory history = new StorageHistory(dataDir.resolve("storage-history.txt"));
        camel.getRegistry().bind("storageSampler", new StorageSampler(bucket::list, () -> {
            Generations.State state = generations.load();
            Map<String, List<String>> parts = new LinkedHashMap<>();
            List<String> syncPrefixes = new ArrayList<>(List.of(state.currentGeneration().prefix())); // the current generation first
            state.generations().stream().filter(g -> g.retired() == null && g.number() != state.current()).forEach(g -> syncPrefixes.add(g.prefix()));
            parts.put("sync", syncPrefixes);
            parts.put("trash", List.of(sync.trashPrefix()));
            parts.put("image", List.of(image.prefix()));
            return parts;
        }, history, inventory, () -> imageBackup.get().knownManifests(), metrics::stored, clock));
        StatusPage page = new StatusPage(new StatusPage.Layout(s3.bucket(), sync.prefix(), sync.trashPrefix(),
                image.prefix(), sync.cron(), image.cron(), image.enabled(), image.host(), settings.optional("offsite.offline.destination"),
                settings.text("offsite.offline.cron")), reports, activity, inventory, history, passes::progress,
                () -> imageBackup.get().progress(), Prices.from(settings), image.keep(), fallbacks, deliveries,
                camel.getRegistry().lookupByNameAndType("offlineRetry", OfflineRetry.class),
                camel.getRegistry().lookupByNameAndType("offlineRun", OfflineRun.class)::underWay, clock);
        camel.getRegistry().bind("statusPage", page);
        camel.getRegistry().bind("bucketCheck", new BucketCheck(bucket));
        boolean offlineSet = settings.optional("offsite.offline.destination") != null;
        camel.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event.getType() == CamelEvent.Type.CamelContextStarted) { // the Prometheus registry exists from here on
                    metrics.restore(storedAtLastListing(inventory), reports.lastSuccessfulSync(), reports.lastSuccessfulImage());
                    metrics.restoreNotifications(deliveries);
                    if (offlineSet) {
                        metrics.restoreOffline(reports.offline().report(), reports.lastSuccessfulOffline());
                    }
                    for (String test : List.of("verify", "verify-image")) { // an alert on a test's age holds across restarts
                        metrics.restoreRestoreTest(reports.restoreTest(test).report(), reports.lastSuccessfulRestoreTest(test));
                    }
                    if (serving) {
                        // the first look after a start would read a month of activity and the whole listing: do it now, aside
                        DaemonPool.of(1, "status-page-warm").execute(() -> page.html(null, null, null, null, null));
                    }
                }
            }
        });
        // a probe answers from the last check: at most one HeadBucket a minute, never one per probe
        CachedCheck s3Check = new CachedCheck(bucket::problem, clock, Duration.ofMinutes(1), Duration.ofSeconds(3), DaemonPool.of(1, "health-s3"));
        // the set's share may hang for good: looked at aside too, a look that does not end said after 10 s
        CachedCheck sourceCheck = new CachedCheck(() -> sync.source() == null ? null : SourceCheck.refusal(sync.source(), false).orElse(null),
                clock, Duration.ofSeconds(10), Duration.ofSeconds(3), DaemonPool.of(1, "health-source"), Duration.ofSeconds(10),
                "offsite.sync.source (" + sync.source() + ")");
        camel.getRegistry().bind("health", new Health(reports, image.enabled(), s3Check, () -> sourceCheck.result().problem()));
    }

    /** Reports that come to you (routes/notify.yaml): what to send, the mail login and TLS, the webhook's headers, missed windows. */
    private static void bindNotify(CamelContext camel, NotifySettings notify, String syncCron, Path dataDir, LastDeliveries deliveries,
            OffsiteMetrics metrics, Clock clock) {
        camel.getRegistry().bind("notifications", new Notices(notify, OffsiteConfiguration::hostName, deliveries));
        DeliveryLog log = new DeliveryLog(new Redaction(notify.secrets()), List.of(deliveries, metrics), clock, notify.retries());
        camel.getRegistry().bind("notifyLog", log);
        MailSockets mailSockets = new MailSockets();
        camel.getRegistry().bind("notifyAttemptFailed", new NotifyAttemptFailed(log, RetryDelays.of(notify), clock, mailSockets));
        camel.getRegistry().bind("notifyOutcomes", new NotifyOutcomes(log));
        MailSettings mail = notify.mail();
        // no login: camel-mail then connects without AUTH
        camel.getRegistry().bind("notifyMailLogin", mail == null || mail.user() == null ? new DefaultAuthenticator(null, null)
                : new DefaultAuthenticator(mail.user(), mail.password()));
        camel.getRegistry().bind("notifyMailProtection", mail == null ? new Properties() : mail.tls().javaMailProperties(mailSockets));
        camel.getManagementStrategy().addEventNotifier(new NotifyStop(camel, mailSockets));
        Processor webhookHeaders = exchange -> notify.webhookHeaders().forEach(h -> exchange.getMessage().setHeader(h.name(), h.value()));
        camel.getRegistry().bind("notifyWebhookHeaders", webhookHeaders);
        camel.getRegistry().bind("missedWindows", new MissedWindows(syncCron, ZoneId.systemDefault(), clock,
                new ReportStore(dataDir.resolve("reports")), new AliveMark(dataDir.resolve("process-alive"), clock)));
    }

    /** This machine's name for the mail subject and the webhook's JSON ("localhost" when it has none); asked only when one is sent. */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The bytes per part the last listing found, or null when there is none or it cannot be read (the page says why). */
    private static StorageSampler.Sample storedAtLastListing(InventoryState inventory) {
        try {
            InventoryState.Snapshot listed = inventory.load();
            if (listed == null) {
                return null;
            }
            Map<String, Long> bytes = new LinkedHashMap<>();
            listed.parts().forEach((part, count) -> bytes.put(part, count.bytes()));
            return new StorageSampler.Sample(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * A setting's value as written, from the same sources in the same order as any other (overrides, environment, -D, the
     * file, the defaults), with no placeholder in it resolved. Read while the context is configured, before any route runs.
     */
    private static String literal(CamelContext camel, String key) {
        PropertiesComponent properties = camel.getPropertiesComponent();
        properties.setNestedPlaceholder(false);
        try {
            return properties.resolveProperty(key).orElse(null);
        } finally {
            properties.setNestedPlaceholder(true); // Camel's default, which the settings need: camel.server.host={{offsite.http.host}}
        }
    }

    /** A schedule in the hour the clocks skip loses that night: say so at start, naming the setting and the days. */
    private static void warnOfDaysWithoutRun(String setting, String cron, Clock clock) {
        try {
            for (LocalDate day : ScheduleGaps.daysWithoutRun(cron, ZoneId.systemDefault(), clock.instant(),
                    Duration.ofDays(366))) {
                LOG.warn("{} '{}' will not run on {}: its time falls in the hour the clocks skip in {} (choose a time outside it)", setting, cron,
                        day, ZoneId.systemDefault());
            }
        } catch (ParseException e) {
            // validated with the settings: an invalid expression has stopped the start already
        }
    }

    private static void closeWithCamel(CamelContext camel, AutoCloseable resource) throws Exception {
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                resource.close();
            }
        });
    }
}
