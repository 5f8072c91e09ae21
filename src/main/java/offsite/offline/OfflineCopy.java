package offsite.offline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import offsite.files.FileTree;
import offsite.files.PathBytes;
import offsite.files.Sha256;
import offsite.report.RunStatus;
import offsite.sync.LocalFile;
import offsite.sync.MaintenanceGuard;
import offsite.sync.PrintableName;
import offsite.sync.SourceScan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the backup set, as the mirror scans it, to DEST/YYYY-MM-DD (built as YYYY-MM-DD.partial, renamed when complete, synced and verified),
 * writes SHA256SUMS (checkable with `sha256sum -c`; SHA256SUMS.offsite when the set has its own), then removes the oldest complete snapshots until the next
 * one would fit again, in blocks and in inodes. Refuses when DEST is not a mounted drive or the set changes while it is copied, and keeps out of the
 * backup application's way as the mirror does: no copy starts while a maintenance marker exists or a file was modified within
 * the quiet period or stable-for, and a marker that appears stops the copy, keeping no snapshot.
 */
public final class OfflineCopy {

    private static final Logger LOG = LoggerFactory.getLogger(OfflineCopy.class);

    /**
     * How a copy went: the snapshot folder, files and bytes, removed snapshots, or why it refused (WARN: nothing was written)
     * or failed (FAILED: stopped while copying); busy when the set was in use (the backup application at work, another copy
     * under way), which goes away by itself: the schedule tries such a copy again.
     */
    public record Result(RunStatus status, String message, Path snapshot, int files, long bytes, List<String> removed, boolean busy) {

        public boolean ok() {
            return status == RunStatus.OK;
        }

        static Result refused(String why, Path snapshot) {
            return new Result(RunStatus.WARN, why, snapshot, 0, 0, List.of(), false);
        }

        static Result failed(String why) {
            return new Result(RunStatus.FAILED, why, null, 0, 0, List.of(), false);
        }

        /** Refused before writing anything, the set being in use. */
        static Result busy(String why) {
            return new Result(RunStatus.WARN, why, null, 0, 0, List.of(), true);
        }

        /** Stopped under way, the set being in use (a marker appeared, the set changed); the part is removed. */
        static Result stopped(String why) {
            return new Result(RunStatus.FAILED, why, null, 0, 0, List.of(), true);
        }
    }

    /** The drive the copies go to. */
    public Path destination() {
        return destination;
    }

    private final SourceScan scan;
    private final MaintenanceGuard guard;
    private final Duration stableFor;
    private final Path source;
    private final Path destination;
    private final boolean requireMount;
    private final Clock clock;
    private final ToLongFunction<Path> freeSpace;
    private volatile CopyWatch watch = new CopyWatch();

    /**
     * scan: the mirror's own, so that the snapshot holds the set as mirrored (no hidden names, no data directory, links as set);
     * guard: the mirror's too, so that both keep out of the backup application's way by the same markers and quiet period;
     * stableFor: offsite.sync.stable-for, the age below which a file may still be being written.
     */
    public OfflineCopy(SourceScan scan, MaintenanceGuard guard, Duration stableFor, Path destination, boolean requireMount, Clock clock,
            ToLongFunction<Path> freeSpace) {
        this.scan = scan;
        this.guard = guard;
        this.stableFor = stableFor;
        this.source = scan.root();
        this.destination = destination;
        this.requireMount = requireMount;
        this.clock = clock;
        this.freeSpace = freeSpace;
    }

    /** The usable space of the drive holding a path. */
    public static long usableSpace(Path path) {
        try {
            return Files.getFileStore(path).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Where the copy under way is and when it last moved (the last copy's, when none is). */
    CopyWatch watch() {
        return watch;
    }

    public Result copy() {
        Path partial = null;
        DriveSync batch = null;
        CopyWatch watch = new CopyWatch();
        this.watch = watch;
        try {
            watch.at("looking at the drive and the set");
            String refusal = refusal();
            if (refusal != null) {
                return Result.refused(refusal, null);
            }
            Optional<String> marker = guard.markerPresent(); // before anything is written, to the drive too
            if (marker.isPresent()) {
                return Result.busy(atWork(marker.get()));
            }
            FileStore drive = Files.getFileStore(destination); // the mounted drive the checks found: every file must land on it
            Object device = Files.getAttribute(destination, "unix:dev"); // its device number, which each file's check compares
            SourceScan.Snapshot before = scan.scan();
            if (before.problem() != null) {
                return Result.failed(before.problem() + ": no snapshot kept, since the files it hides would be missing from it");
            }
            // a snapshot is the set at one moment, every file whole: refused while the set is written to, never left out in part
            Instant now = clock.instant();
            Optional<String> busy = guard.busy(now, before.files())
                    .or(() -> MaintenanceGuard.modifiedWithin("offsite.sync.stable-for", stableFor, now, before.files()));
            if (busy.isPresent()) {
                return Result.busy(atWork(busy.get()));
            }
            removeUnfinished(); // before the room is counted: a copy that was killed or failed left its part there
            List<LocalFile> files = before.files().stream().sorted(Comparator.comparing(LocalFile::relativePath)).toList();
            long needed = files.stream().mapToLong(LocalFile::size).sum();
            long block = blockSize(drive);
            long onDrive = files.stream().mapToLong(f -> (f.size() + block - 1) / block * block).sum();
            long free = freeSpace.applyAsLong(destination);
            if (onDrive > free) {
                return Result.refused("offsite.offline.destination: " + destination + " has " + free + " bytes free, the set needs "
                        + onDrive + " there (" + needed + " bytes in " + files.size() + " files, each taking whole " + block
                        + "-byte blocks); free space or use a bigger drive (old snapshots are removed only after a new one is complete)",
                        null);
            }
            // each file and folder takes an inode besides its blocks: a drive of many small files runs out of those first
            int folders = folders(files);
            long entries = files.size() + folders + 2L; // and the snapshot's own folder and its checksum file
            DriveInodes.Count inodes = DriveInodes.of(destination);
            if (inodes.known() && entries > inodes.available()) {
                return Result.refused("offsite.offline.destination: " + destination + " has " + inodes.available() + " inodes free (of "
                        + inodes.total() + "), the set needs " + entries + " there (" + files.size() + " files, " + folders
                        + (folders == 1 ? " folder" : " folders") + ", the snapshot's folder and its checksum file: one inode each); free"
                        + " some or use a drive made with more inodes (mkfs.ext4 -i or -N; old snapshots are removed only after a new one"
                        + " is complete)", null);
            }
            String day = LocalDate.now(clock).toString();
            partial = destination.resolve(day + ".partial");
            Path done = destination.resolve(day);
            if (Files.exists(done)) {
                return Result.refused("a snapshot for " + day + " already exists at " + done, done);
            }
            FileTree.delete(partial);
            Files.createDirectory(partial);
            batch = DriveSync.of(partial, drive.type()); // before the first file: its syncfs reports any writeback error since
            Map<Path, String> sums = new LinkedHashMap<>(); // relative paths: they keep a name's bytes, which a string does not when not UTF-8
            byte[] buffer = new byte[1 << 20]; // one for the whole copy: a megabyte per file was garbage by the thousand
            for (LocalFile file : files) {
                Path relative = source.relativize(file.path());
                Path target = partial.resolve(relative);
                watch.at("copying " + PrintableName.of(relative.toString()) + ", file " + (sums.size() + 1) + " of " + files.size());
                String gone = driveGone(device, partial);
                if (gone != null) {
                    FileTree.delete(partial); // what a lookup after the unmount made lies on the disk below the mount point
                    return Result.failed(gone);
                }
                // looked for at most once a second, as before each of the mirror's uploads: a glob may walk a large folder
                Optional<String> appeared = guard.markerPresentLately(clock.instant());
                if (appeared.isPresent()) {
                    FileTree.delete(partial);
                    return Result.stopped(incomplete(appeared.get(), sums.size() + " of " + files.size() + " files copied", partial));
                }
                Files.createDirectories(target.getParent());
                try {
                    sums.put(relative, copyHashing(file.path(), target, buffer, batch == null));
                } catch (MarkerAppeared during) {
                    FileTree.delete(partial);
                    return Result.stopped(incomplete(during.marker, sums.size() + " of " + files.size() + " files copied, "
                            + PrintableName.of(relative.toString()) + " stopped after " + during.copied + " of its " + file.size()
                            + " bytes", partial));
                }
                Files.setLastModifiedTime(target, FileTime.from(file.modified()));
            }
            watch.at("flushing the " + files.size() + " files to the drive");
            if (batch != null) { // every file and folder on the drive before the set is looked at again and read back
                batch.syncfs();
                syncFolder(partial); // and the drive's write cache flushed, which a FAT drive's syncfs leaves to an fsync
            }
            if (!sameFiles(files, scan.scan())) {
                FileTree.delete(partial);
                return Result.stopped("the backup set changed while it was copied: no snapshot kept; try again when the backup"
                        + " application is idle");
            }
            Optional<String> afterLast = guard.markerPresent(); // one that appeared since the last file's look, set unchanged or not
            if (afterLast.isPresent()) {
                FileTree.delete(partial);
                return Result.stopped(incomplete(afterLast.get(), "all " + files.size() + " files copied, not yet verified", partial));
            }
            DriveRead readBack = new DriveRead(watch::moved); // the drive's bytes, not the page cache's: those are what the copy was written for
            int read = 0;
            for (Map.Entry<Path, String> s : sums.entrySet()) {
                watch.at("reading back " + PrintableName.of(s.getKey().toString()) + ", file " + ++read + " of " + sums.size());
                if (!readBack.sha256(partial.resolve(s.getKey())).equals(s.getValue())) {
                    FileTree.delete(partial);
                    return Result.failed("verification failed for " + PrintableName.of(s.getKey().toString()) + " on " + destination + ": the drive gave back other"
                            + " bytes than were written to it; it may be failing");
                }
            }
            String gone = driveGone(device, partial);
            if (gone != null) {
                FileTree.delete(partial);
                return Result.failed(gone);
            }
            watch.at("writing the checksums and naming the snapshot");
            ByteArrayOutputStream manifest = new ByteArrayOutputStream();
            byte[] folder = PathBytes.of(partial);
            for (Map.Entry<Path, String> s : sums.entrySet()) {
                byte[] name = PathBytes.of(partial.resolve(s.getKey()));
                manifest.writeBytes(ChecksumLine.of(s.getValue(), Arrays.copyOfRange(name, folder.length, name.length)));
                manifest.write('\n');
            }
            String sumsFile = sumsName();
            writeSynced(partial.resolve(sumsFile), manifest.toByteArray());
            if (batch != null) {
                syncFolder(partial); // the sums' name: the folders below were synced with the files
            } else {
                syncFolders(partial); // the names too: a drive unplugged after "verified" must hold the whole snapshot
            }
            Files.move(partial, done, StandardCopyOption.ATOMIC_MOVE);
            syncFolder(destination);
            List<String> removed = pruneFor(onDrive, entries, done);
            return new Result(RunStatus.OK, "snapshot " + done + ": " + sums.size() + " files, " + needed + " bytes, " + verified(readBack)
                    + (sumsFile.equals(SUMS) ? "" : "; checksums in " + sumsFile + ": the set has its own " + SUMS)
                    + (removed.isEmpty() ? "" : "; removed " + removed), done, sums.size(), needed, removed, false);
        } catch (IOException e) {
            String left = "";
            if (partial != null) {
                try {
                    FileTree.delete(partial);
                } catch (IOException stuck) {
                    left = "; " + partial + " is left (" + stuck.getMessage() + "): the next copy removes it";
                }
            }
            return Result.failed("offline copy to " + destination + " failed: " + e.getMessage() + left);
        } finally {
            if (batch != null) {
                batch.close();
            }
        }
    }

    private static final String SUMS = "SHA256SUMS";

    /** The drive's allocation unit (an ext4 block, a FAT cluster): a file of one byte takes that much of the drive. */
    private static long blockSize(FileStore drive) {
        try {
            return Math.max(1, drive.getBlockSize());
        } catch (IOException | UnsupportedOperationException e) {
            return 4096; // the common block: better than counting bytes alone
        }
    }

    /** How the snapshot was read back, in the report's words: only a direct read proves the drive holds it. */
    private String verified(DriveRead readBack) {
        return switch (readBack.way()) {
            case DIRECT -> "verified (read back from the drive)";
            case CACHE_DROPPED -> "verified (read back from the drive once its cached pages were dropped: " + destination + " "
                    + readBack.refused() + ")";
            case PAGE_CACHE -> "checked against the page cache only, the drive itself was not read back (" + destination + ": "
                    + readBack.refused() + ")";
        };
    }

    /** SHA256SUMS, or SHA256SUMS.offsite (then .offsite-2...) when the set holds that name at its top: no file of it is overwritten. */
    private String sumsName() {
        String name = SUMS;
        for (int n = 1; Files.exists(source.resolve(name), LinkOption.NOFOLLOW_LINKS); n++) {
            name = SUMS + ".offsite" + (n == 1 ? "" : "-" + n);
        }
        return name;
    }

    /** Removes DAY.partial folders: copies that never completed (a complete one is renamed to DAY). */
    private void removeUnfinished() throws IOException {
        List<Path> unfinished;
        try (Stream<Path> list = Files.list(destination)) {
            unfinished = list.filter(p -> p.getFileName().toString().matches("\\d{4}-\\d{2}-\\d{2}\\.partial")).toList();
        }
        for (Path p : unfinished) {
            LOG.warn("removing {}: an offline copy that did not complete", p);
            FileTree.delete(p);
        }
    }

    /** The destination must exist and, when required, be a mounted drive (not the disk its parent is on). */
    private String refusal() throws IOException {
        if (!Files.isDirectory(destination)) {
            return "offsite.offline.destination: " + destination + " does not exist (is the drive plugged in and mounted?)";
        }
        if (requireMount) {
            FileStore here = Files.getFileStore(destination);
            Path parent = destination.toAbsolutePath().getParent();
            if (parent != null && here.equals(Files.getFileStore(parent))) {
                return "offsite.offline.destination: " + destination + " is not a mount point (is the drive mounted?); set"
                        + " offsite.offline.require-mount=false to copy to a plain directory";
            }
        }
        if (!Files.isDirectory(source)) {
            return "offsite.sync.source: " + source + " does not exist";
        }
        return null;
    }

    /**
     * Why the snapshot folder is no longer on the drive the copy began on (unplugged and unmounted, which leaves the
     * empty mount point on the disk below: every new file would fill that one), or null while it is.
     */
    private String driveGone(Object device, Path partial) throws IOException {
        // one stat before each file: a FileStore lookup, as before, parsed the mount table each time (60 us a file)
        Map<String, Object> now;
        try {
            now = Files.readAttributes(partial, "unix:dev,isDirectory", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            now = Map.of();
        }
        if (Boolean.TRUE.equals(now.get("isDirectory")) && device.equals(now.get("dev"))) {
            return null;
        }
        return "offsite.offline.destination: " + destination + " is no longer the drive the copy began on (unplugged or unmounted"
                + " during the copy?): copy stopped, no snapshot kept; plug the drive in and mount it for the next copy";
    }

    /** The refusal of a copy while the backup application is at work on the set, by a marker or a file modified lately. */
    private String atWork(String why) {
        return "the backup application is at work on the set: " + why + "; no copy started, nothing written to " + destination
                + " (a snapshot taken now could hold a set it never left, or a chunk half-written); try again once it is idle";
    }

    /**
     * The report of a copy a maintenance marker stopped: incomplete, the marker's path, and what is left on the drive (the
     * part removed, so no folder there looks like a complete copy; the last complete snapshot untouched).
     */
    private String incomplete(String marker, String done, Path partial) throws IOException {
        List<Path> complete = snapshots();
        return "copy incomplete, stopped (" + done + "): " + marker + ", which appeared during the copy: the backup application is"
                + " at work on the set; " + partial + " removed, no snapshot kept, "
                + (complete.isEmpty() ? "and the drive holds no complete one yet" : "the last complete one (" + complete.get(complete.size() - 1)
                + ") kept as it was") + "; try again once the backup application is idle";
    }

    /** The complete snapshots on the drive (DAY folders), oldest first. */
    private List<Path> snapshots() throws IOException {
        try (Stream<Path> list = Files.list(destination)) {
            return list.filter(p -> p.getFileName().toString().matches("\\d{4}-\\d{2}-\\d{2}"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
    }

    /** The folders below the set's top that hold its files, each once: one inode each in the snapshot. */
    private int folders(List<LocalFile> files) {
        Set<Path> folders = new HashSet<>();
        for (LocalFile file : files) {
            Path up = source.relativize(file.path()).getParent();
            while (up != null && folders.add(up)) { // the ones above a folder counted before are counted already
                up = up.getParent();
            }
        }
        return folders.size();
    }

    /**
     * Removes the oldest complete snapshots, never the newest, until the free space and the free inodes (where the drive
     * counts them) would hold another of this size and these entries.
     */
    private List<String> pruneFor(long size, long entries, Path newest) throws IOException {
        List<String> removed = new ArrayList<>();
        for (Path old : snapshots()) {
            DriveInodes.Count inodes = DriveInodes.of(destination);
            if (old.equals(newest) || freeSpace.applyAsLong(destination) >= size && (!inodes.known() || inodes.available() >= entries)) {
                break;
            }
            FileTree.delete(old);
            removed.add(old.getFileName().toString());
        }
        return removed;
    }

    /** Whether a second scan saw the same files, each with the same size, modification and change time and inode. */
    private static boolean sameFiles(List<LocalFile> before, SourceScan.Snapshot after) {
        if (after.problem() != null) {
            return false;
        }
        return new HashSet<>(before).equals(new HashSet<>(after.files()));
    }

    /** A maintenance marker seen while a file was copied, and how many of its bytes were copied by then. */
    private static final class MarkerAppeared extends IOException {

        final String marker;
        final long copied;

        MarkerAppeared(String marker, long copied) {
            super(marker);
            this.marker = marker;
            this.copied = copied;
        }
    }

    /**
     * Copies a file, with force its bytes on the drive (fsync) when it returns, not only in the page cache (without, a
     * DriveSync's syncfs puts them there); returns their SHA-256. Before each buffer after the first the maintenance
     * markers are looked for (the guard's look, at most once a second): a chunk of 600 MB takes a while, and a marker that
     * appears meanwhile stops it there (MarkerAppeared) rather than after it.
     */
    private String copyHashing(Path from, Path to, byte[] buffer, boolean force) throws IOException {
        MessageDigest sha = Sha256.digest();
        try (InputStream in = Files.newInputStream(from);
                FileChannel channel = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(channel);
            long copied = 0;
            for (int n; (n = in.read(buffer)) > 0; copied += n) {
                if (copied > 0) { // a file of one buffer is looked at between files only, as before
                    Optional<String> marker = guard.markerPresentLately(clock.instant());
                    if (marker.isPresent()) {
                        throw new MarkerAppeared(marker.get(), copied);
                    }
                }
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
                watch.moved();
            }
            if (force) {
                channel.force(true);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void writeSynced(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (ByteBuffer b = ByteBuffer.wrap(bytes); b.hasRemaining(); ) {
                channel.write(b);
            }
            channel.force(true);
        }
    }

    /** Syncs every folder of the tree, so that the names of the files written in them are on the drive. */
    private static void syncFolders(Path root) throws IOException {
        List<Path> folders;
        try (Stream<Path> walk = Files.walk(root)) {
            folders = walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
        for (Path folder : folders) {
            syncFolder(folder);
        }
    }

    private static void syncFolder(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
