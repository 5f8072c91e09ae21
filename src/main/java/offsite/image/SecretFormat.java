package offsite.image;

import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A secret file's format, known by the file's name (and for some by its folder's): each file gets a new reader of
 * its lines, which returns every line with every value it does not clear replaced by "x" (an allow-list: a line it
 * cannot parse becomes "x" whole). A file no format knows is replaced wholesale by {@link PasswordScrubber}.
 */
record SecretFormat(String name, Pattern fileNames, Pattern folderNames, Supplier<Lines> lines) {

    private static final Pattern ANY = Pattern.compile(".*");

    /** A format of the files whose name matches the regex, in any folder. */
    SecretFormat(String name, String fileNames, Supplier<Lines> lines) {
        this(name, Pattern.compile(fileNames), ANY, lines);
    }

    boolean recognises(Path file) {
        Path folder = file.getParent();
        return fileNames.matcher(nameOf(file)).matches() && folderNames.matcher(folder == null ? "" : nameOf(folder)).matches();
    }

    private static String nameOf(Path path) {
        return path.getFileName() == null ? "" : path.getFileName().toString();
    }

    /** One file's lines, scrubbed one at a time, in order; a line never holds its end. Formats whose values span lines keep that state here. */
    interface Lines {
        String scrub(String line);
    }
}
