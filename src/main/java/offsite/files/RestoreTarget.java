package offsite.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The --to of a restore, refused before anything is downloaded when it names something that is no folder. */
public final class RestoreTarget {

    private RestoreTarget() {
    }

    /**
     * A folder no restore may write into, by the setting that names it: offsite.data.dir (Offsite's own state) or
     * offsite.sync.source (the live set); folder null when the setting names none.
     */
    public record KeptOut(String setting, Path folder) {

        /** What is in the folder, and what a file restored into it would do there. */
        String harm() {
            return setting.equals("offsite.data.dir") ? "where Offsite keeps its own state (hash cache, reports, activity log, the image"
                    + " being rebuilt): restored files would overwrite it or be mixed with it"
                    : "the live backup set the mirror copies: a restored file would replace a live one, newer perhaps, or be mirrored as"
                    + " part of the set";
        }
    }

    /** The folders every restore keeps out of: offsite.data.dir and offsite.sync.source, as this run resolved them (null: none). */
    public static List<KeptOut> keptOut(Path dataDir, Path source) {
        return List.of(new KeptOut("offsite.data.dir", dataDir), new KeptOut("offsite.sync.source", source));
    }

    /**
     * Why --to begins or ends with a blank (a space copied with the path), or null: the restore would make a folder whose
     * name begins or ends with it, which looks like the one meant in every listing.
     */
    public static String blankEnds(String to) {
        if (to.isEmpty()) {
            return null;
        }
        int first = to.codePointAt(0);
        int last = to.codePointBefore(to.length());
        boolean begins = blank(first);
        boolean ends = blank(last);
        if (!begins && !ends) {
            return null;
        }
        String where = begins && ends ? "begins with " + blankName(first) + " and ends with " + blankName(last)
                : begins ? "begins with " + blankName(first) : "ends with " + blankName(last);
        return "--to \"" + to + "\" " + where + ": the restore would make a folder whose name " + (begins && ends ? "begins and ends"
                : begins ? "begins" : "ends") + " with it (copied with the path?); give the directory without the leading or trailing"
                + " blank" + (isBlankOnly(to) ? "" : ", such as --to \"" + stripBlanks(to) + "\"");
    }

    private static boolean blank(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c); // the second: a no-break space copied from a web page
    }

    private static boolean isBlankOnly(String text) {
        return text.codePoints().allMatch(RestoreTarget::blank);
    }

    private static String stripBlanks(String text) {
        int from = 0;
        int to = text.length();
        while (from < to && blank(text.codePointAt(from))) {
            from += Character.charCount(text.codePointAt(from));
        }
        while (to > from && blank(text.codePointBefore(to))) {
            to -= Character.charCount(text.codePointBefore(to));
        }
        return text.substring(from, to);
    }

    private static String blankName(int c) {
        return switch (c) {
            case ' ' -> "a space";
            case '\t' -> "a tab";
            case '\n', '\r' -> "a line break";
            default -> String.format("a blank (U+%04X)", c);
        };
    }

    /**
     * Why --to is offsite.data.dir (null when none) or a folder inside it, or null: Offsite's own state would be
     * overwritten by restored files or mixed with them, and the next run would read it so.
     */
    public static String inDataDir(Path to, Path dataDir) {
        if (dataDir == null || !real(to).startsWith(real(dataDir))) {
            return null;
        }
        return "--to " + to + (real(to).equals(real(dataDir)) ? " is" : " is inside") + " offsite.data.dir (" + dataDir + "), "
                + new KeptOut("offsite.data.dir", dataDir).harm() + "; restore into a directory outside it";
    }

    /**
     * The folders of keptOut that lie below --to (links followed), where a restore at --to could land a file; those at
     * or above --to are the other checks' to refuse. Mostly none: then nothing restored can land in one.
     */
    public static List<KeptOut> below(Path to, List<KeptOut> keptOut) {
        Path target = real(to);
        return keptOut.stream().filter(k -> k.folder() != null).filter(k -> {
            Path folder = real(k.folder());
            return folder.startsWith(target) && !folder.equals(target);
        }).toList();
    }

    /**
     * Why the restore's entry `name`, landing at `landing` (every existing link on the way followed), would be written
     * into one of the folders (from {@link #below}), or null.
     */
    public static String landsIn(Path to, String name, Path landing, List<KeptOut> below) {
        for (KeptOut k : below) {
            if (landing.startsWith(real(k.folder()))) {
                return "--to " + to + " would write " + name + " into " + k.setting() + " (" + k.folder() + ", as " + landing + "), "
                        + k.harm() + "; restore into an empty directory, or one where no restored file lands in "
                        + k.setting();
            }
        }
        return null;
    }

    /**
     * Why --to cannot be restored into, or null; --overwrite does not change it: a folder's files are replaced, not a file.
     * An empty --to (an unset variable in a script) would mean the working directory, an install's own folder.
     */
    public static String notAFolder(Path to) {
        if (to.toString().isEmpty()) {
            return "--to is empty: name a directory to restore into (an empty one would be the working directory)";
        }
        if (Files.exists(to) && !Files.isDirectory(to)) {
            return "--to " + to + " is a file, not a directory: name a directory to restore into (one that does not exist yet is made)";
        }
        return null;
    }

    /**
     * Why a set restored at --to would land in the live set's folder (offsite.sync.source, null when none), or null.
     * Inside it the next pass would mirror the restored copy as part of the set; the folder itself is taken only while it
     * is empty (a source disk lost and replaced) or to resume such a restore without --overwrite: otherwise files changed
     * since the last pass would be replaced by the mirror's older copies.
     */
    public static String inLiveSet(Path to, Path source, boolean overwrite, boolean emptyOrResumed) {
        if (source == null || !real(to).startsWith(real(source))) {
            return null;
        }
        if (!real(to).equals(real(source))) {
            return "--to " + to + " is inside offsite.sync.source (" + source + "): the next pass would mirror the restored copy as part of"
                    + " the set; restore into a directory outside it";
        }
        if (overwrite || !emptyOrResumed) {
            return "--to " + to + " is offsite.sync.source, the live backup set the mirror copies: a restore there would replace the files"
                    + " changed since the last pass with the mirror's older copies; restore into another directory and copy back what you"
                    + " need (into the source itself only while it is empty, without --overwrite)";
        }
        return null;
    }

    /** Why an image restored at --to would land in the live set's folder (offsite.sync.source, null when none), or null. */
    public static String imageInLiveSet(Path to, Path source) {
        if (source == null || !real(to).startsWith(real(source))) {
            return null;
        }
        return "--to " + to + (real(to).equals(real(source)) ? " is" : " is inside") + " offsite.sync.source (" + source + "), the live backup"
                + " set the mirror copies: the next pass would mirror the restored image as part of the set; restore into a directory"
                + " outside it";
    }

    /**
     * Why --to is the root folder of this machine ("/", by any name), or null: the restored files would land on the
     * running system's own (an image's tar names are its absolute paths), its secret files on their scrubbed copies.
     */
    public static String systemRoot(Path to) {
        Path target = real(to);
        if (target.getParent() != null) {
            return null;
        }
        return "--to " + to + " is the root folder of this machine: the restored files would replace the running system's own; restore"
                + " into an empty directory (such as /mnt/new-root) and copy back what you need";
    }

    /** The path with every part that exists resolved through links, the rest normalized beneath it. */
    public static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (IOException e) {
            return absolute;
        }
    }

    /**
     * Why nothing can be written at --to (a read-only disk, a folder this user may not write), or null: tried with a
     * file made and removed at once in --to or, where it does not exist yet, in the nearest folder above it, so that a
     * restore fails before it downloads an image of many gigabytes rather than after.
     */
    public static String notWritable(Path to) {
        Path existing = to.toAbsolutePath().normalize();
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return null; // nothing to try: the restore says what fails
        }
        try {
            Files.delete(Files.createTempFile(existing, ".offsite-write-check-", ""));
            return null;
        } catch (AccessDeniedException e) {
            return "--to " + to + " cannot be written: " + existing + " does not let this user write in it; restore as its owner or elsewhere";
        } catch (IOException e) {
            String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
            return "--to " + to + " cannot be written: " + existing + (reason.contains("Read-only file system") ? " is on a read-only file system"
                    : " refuses a new file (" + reason + ")") + "; restore onto a writable disk";
        }
    }
}
