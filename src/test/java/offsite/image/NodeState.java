package offsite.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import offsite.files.Sha256;

/** What a restore must give back of one path: its kind, mode, mtime (seconds), and content hash or symlink target. */
record NodeState(String kind, int mode, long mtime, String contentOrTarget) {

    static NodeState of(Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        long mtime = ((FileTime) Files.getAttribute(p, "lastModifiedTime", LinkOption.NOFOLLOW_LINKS)).toMillis() / 1000;
        if (Files.isSymbolicLink(p)) {
            return new NodeState("symlink", mode, mtime, Files.readSymbolicLink(p).toString());
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return new NodeState("dir", mode, mtime, "");
        }
        return new NodeState("file", mode, mtime, Sha256.of(p));
    }
}
