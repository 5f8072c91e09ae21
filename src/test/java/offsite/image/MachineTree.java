package offsite.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;

/** A small machine declared as data (dirs, files with modes, symlinks, a shadow file, configs, a PEM key), written under a root. */
final class MachineTree {

    /** One path under the root: a directory (content null, target null), a file, or a symlink (target). */
    record Node(String path, int mode, String content, String target, long mtime) {
    }

    static final long T = 1_700_000_000L;
    static final String SHADOW_HASH = "$6$rounds=5000$saltsalt$Q1bN7cYpFQ8x4Zk2";
    static final String PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";

    /** Every secret value the tree holds: none may appear in a base image. */
    static final List<String> SECRET_VALUES = List.of(SHADOW_HASH, "gr0upHash", "Hunter2Hunter2", "tok-5f3a9c77",
            "cs-98765-zz", "pk-abcdef-123", "Sw0rdfish!", PEM_BODY, "QUJDREVGR0hJSktM");

    static final List<Node> NODES = List.of(
            dir("etc", 0755, T),
            file("etc/shadow", 0640, "root:" + SHADOW_HASH + ":19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nnobody:!:19000::::::\n", T + 1),
            file("etc/gshadow", 0640, "root:gr0upHash::\nsudo:!::alice\n", T + 2),
            file("etc/hostname", 0644, "machine\n", T + 3),
            dir("etc/ssl", 0755, T + 4),
            dir("etc/ssl/private", 0700, T + 5),
            file("etc/ssl/private/server.key", 0600, "-----BEGIN PRIVATE KEY-----\n" + PEM_BODY + "\nQUJDREVGR0hJSktM\n-----END PRIVATE KEY-----\n", T + 6),
            link("etc/ssl/current.key", "private/server.key", T + 7),
            dir("srv", 0755, T + 8),
            dir("srv/app", 0750, T + 9),
            file("srv/app/app.env", 0600, "DB_HOST=db.internal\ndb_password=Hunter2Hunter2\nAPI_TOKEN: tok-5f3a9c77\r\nclient-secret = \"cs-98765-zz\"\n", T + 10),
            file("srv/app/config.json", 0600, "{\n  \"name\": \"app\",\n  \"private_key\": \"pk-abcdef-123\",\n  \"admin_passphrase\": 'Sw0rdfish!'\n}\n", T + 11),
            file("srv/app/run.sh", 0755, "#!/bin/sh\nexec app\n", T + 12),
            file("srv/app/donn\u00e9es-" + "x".repeat(120) + ".txt", 0644, "long non-ASCII name\n", T + 13),
            link("srv/app/logs", "/var/log/app", T + 14),
            dir("srv/cache", 0755, T + 15),
            file("srv/cache/blob.bin", 0644, "cached\n", T + 16),
            dir("usr", 0755, T + 17),
            file("usr/tool", 04755, "setuid tool\n", T + 18),
            file("usr/empty", 0444, "", T + 19));

    /** The secret files, as globs on the absolute path under root. */
    static List<String> secretGlobs(Path root) {
        return List.of(root + "/etc/{shadow,gshadow}", root + "/etc/ssl/private/*.key", root + "/srv/app/*.{env,json}");
    }

    static Node dir(String path, int mode, long mtime) {
        return new Node(path, mode, null, null, mtime);
    }

    static Node file(String path, int mode, String content, long mtime) {
        return new Node(path, mode, content, null, mtime);
    }

    static Node link(String path, String target, long mtime) {
        return new Node(path, 0777, null, target, mtime);
    }

    /** Writes the nodes under root; modes and times last, deepest first, so that nothing disturbs them. */
    static void write(Path root, List<Node> nodes) throws IOException {
        for (Node n : nodes) {
            Path p = root.resolve(n.path());
            Files.createDirectories(p.getParent());
            if (n.target() != null) {
                Files.createSymbolicLink(p, Path.of(n.target()));
            } else if (n.content() != null) {
                Files.writeString(p, n.content(), StandardCharsets.UTF_8);
            } else {
                Files.createDirectories(p);
            }
        }
        for (Node n : nodes.stream().sorted(Comparator.comparingInt((Node n) -> n.path().split("/").length).reversed()).toList()) {
            Path p = root.resolve(n.path());
            if (n.target() == null) {
                Files.setAttribute(p, "unix:mode", n.mode());
            }
            Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.fromMillis(n.mtime() * 1000), null, null);
        }
    }

    /** The tar name of a node under root: the absolute path without its leading "/". */
    static String tarName(Path root, Node n) {
        return root.resolve(n.path()).toString().substring(1);
    }
}
