package offsite.sync;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The source directory as it is when a pass starts. One scan walks the whole tree read-only, in one call: regular
 * files only, hidden names (a leading dot) left out, symbolic links followed only when configured. Each file comes
 * with its size, modification and change times and inode, what the hash cache keys a file's ETag by.
 */
public final class SourceScan {

    /** One complete scan: the files seen, when it started, why it is incomplete (null when it is not), and what it left out. */
    public record Snapshot(List<LocalFile> files, Instant started, String problem, LeftOut leftOut) {
        public Snapshot {
            files = List.copyOf(files);
        }

        public Snapshot(List<LocalFile> files, Instant started, String problem) {
            this(files, started, problem, LeftOut.NONE);
        }
    }

    /**
     * Entries of the tree that are no regular file nor folder, so not mirrored (links not followed, links to nothing,
     * FIFOs, sockets, devices); hidden names are not counted, being left out on purpose. examples: the first few, each
     * with what it is.
     */
    public record LeftOut(int count, List<String> examples) {
        public static final LeftOut NONE = new LeftOut(0, List.of());
        static final int EXAMPLES = 5;

        public LeftOut {
            examples = List.copyOf(examples);
        }

        /** The report's note, or null when nothing was left out. */
        public String note() {
            if (count == 0) {
                return null;
            }
            return count + (count == 1 ? " entry" : " entries") + " of the source not mirrored, being no regular file: "
                    + String.join(", ", examples) + (count > examples.size() ? " and " + (count - examples.size()) + " more" : "");
        }
    }

    private final Path root;
    private final Clock clock;
    private final boolean followSymlinks;
    private final Path keptOut;
    /** Whether the filesystem tells change times and inodes ("unix" attributes: Linux, macOS, the BSDs). */
    private final boolean unix;
    private final LinkOption[] links;

    /** followSymlinks false: files reached through a symbolic link (the file or a folder above it) are left out. */
    public SourceScan(Path root, Clock clock, boolean followSymlinks) {
        this(root, clock, followSymlinks, null);
    }

    /** keptOut: a folder never mirrored, wherever it lies (Offsite's data directory: its state changes during every pass). */
    public SourceScan(Path root, Clock clock, boolean followSymlinks, Path keptOut) {
        this.keptOut = keptOut;
        this.root = root;
        this.clock = clock;
        this.followSymlinks = followSymlinks;
        this.unix = (root == null ? FileSystems.getDefault() : root.getFileSystem()).supportedFileAttributeViews().contains("unix");
        this.links = followSymlinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    }

    /**
     * Walks the source once and returns what it saw; never throws. A file that vanishes during the walk is
     * left out (the backup application grooms); any other failure to read the tree marks the scan incomplete.
     */
    public Snapshot scan() {
        Instant started = clock.instant();
        List<LocalFile> files = new ArrayList<>();
        String problem = null;
        LeftOut leftOut = LeftOut.NONE;
        if (Files.isDirectory(root)) { // a missing source is SourceCheck's to report, with its own words
            try {
                Path realRoot = root.toRealPath(); // the source itself may be a link, as /backup -> /mnt/disk/backup
                Set<FileVisitOption> options = followSymlinks ? EnumSet.of(FileVisitOption.FOLLOW_LINKS) : EnumSet.noneOf(FileVisitOption.class);
                Walk walk = new Walk(realRoot, real(keptOut), files);
                Files.walkFileTree(realRoot, options, Integer.MAX_VALUE, walk);
                problem = walk.problem;
                leftOut = new LeftOut(walk.leftOut, walk.examples);
            } catch (IOException | RuntimeException e) { // a scan that cannot end must still say why, not go stale
                problem = unreadable(root, e);
            }
        }
        return new Snapshot(files, started, problem, leftOut);
    }

    private final class Walk extends SimpleFileVisitor<Path> {
        private final Path realRoot;
        private final Path keptOut;
        private final List<LocalFile> files;
        String problem;
        int leftOut;
        final List<String> examples = new ArrayList<>();

        Walk(Path realRoot, Path keptOut, List<LocalFile> files) {
            this.realRoot = realRoot;
            this.keptOut = keptOut;
            this.files = files;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (dir.equals(keptOut) && !dir.equals(realRoot)) {
                return FileVisitResult.SKIP_SUBTREE;
            }
            return dir.equals(realRoot) || !hidden(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            // without FOLLOW_LINKS a link arrives with its own attributes, not regular: left out with its target
            if (attrs.isRegularFile() && !hidden(file)) {
                String relative = KeyName.of(realRoot, file);
                Instant changed = null;
                long inode = -1;
                if (unix) {
                    try {
                        Map<String, Object> more = Files.readAttributes(file, "unix:ctime,ino", links);
                        changed = ((FileTime) more.get("ctime")).toInstant();
                        inode = (Long) more.get("ino");
                    } catch (NoSuchFileException gone) {
                        return FileVisitResult.CONTINUE; // removed since it was listed: as if the walk had not seen it
                    } catch (IOException e) {
                        return failed(file, e);
                    }
                }
                // the path from the walk keeps the name's own bytes, which a string does not when they are not UTF-8
                files.add(new LocalFile(relative, root.resolve(realRoot.relativize(file)), attrs.size(), attrs.lastModifiedTime().toInstant(),
                        changed, inode));
            } else if (!attrs.isDirectory() && !hidden(file)) {
                leftOut++;
                if (examples.size() < LeftOut.EXAMPLES) {
                    examples.add(PrintableName.of(KeyName.of(realRoot, file)) + " (" + kind(attrs) + ")");
                }
            }
            return FileVisitResult.CONTINUE;
        }

        private String kind(BasicFileAttributes attrs) {
            if (!attrs.isSymbolicLink()) {
                return "a FIFO, socket or device";
            }
            return followSymlinks ? "a symbolic link to nothing" : "a symbolic link: offsite.sync.follow-symlinks=true mirrors what it points to";
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            return failed(file, e);
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
            return e == null ? FileVisitResult.CONTINUE : failed(dir, e);
        }

        private FileVisitResult failed(Path path, IOException e) {
            if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
            }
            problem = unreadable(root.resolve(realRoot.relativize(path)), e);
            return FileVisitResult.TERMINATE;
        }
    }

    /** The folder's real path, as the walk names what it meets; null when there is none. */
    private static Path real(Path folder) {
        try {
            return folder == null ? null : folder.toRealPath();
        } catch (IOException e) {
            return null; // not there: nothing to keep out
        }
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    /** The refusal for a tree that could not be read whole; names the path and the reason, never guesses. */
    static String unreadable(Path path, Exception e) {
        String why;
        if (e instanceof AccessDeniedException) {
            why = "permission denied: let the user running Offsite read it";
        } else if (e instanceof FileSystemLoopException) {
            why = "a symbolic link leads back to a folder above it: remove the link, or set offsite.sync.follow-symlinks=false";
        } else {
            why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return "offsite.sync.source: cannot read " + path + " (" + why + ")";
    }

    public Path root() {
        return root;
    }
}
