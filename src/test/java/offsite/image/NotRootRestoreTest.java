package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import offsite.testing.Gpg;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * restore-image run by a user who is not root (nobody, through setpriv), as the README allows: the image made by root
 * against S3Proxy, the restore in a JVM of its own whose class path nobody can read.
 */
class NotRootRestoreTest {

    static final String NOBODY = "65534";

    @TempDir
    Path dir;

    OffsiteHarness app;
    Path tree;
    Path secretKey;

    @BeforeEach
    void machine() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        app = new OffsiteHarness(dir.resolve("harness"));
        tree = Files.createDirectories(dir.resolve("machine"));
        Tools.run(tree, null, "sh", "-c", "mkdir -p etc/ssl/private dev srv && echo excalibur > etc/hostname && chown 1234:1234 etc/hostname"
                + " && printf 'KEY=Secret-Of-The-Machine-4412\\n' > etc/ssl/private/app.env && chmod 0555 etc/ssl/private"
                + " && mknod dev/null2 c 1 3 && echo tool > srv/tool && setcap cap_net_raw+ep srv/tool");
        Path keys = Files.createDirectories(dir.resolve("keys"));
        secretKey = dir.resolve("admin.sec.asc");
        new Gpg(dir.resolve("gpg")).newKey("Admin <admin@example.org>", keys.resolve("admin.asc"), secretKey);
        app.set("offsite.image.roots", tree.toString()).set("offsite.image.secrets", tree + "/etc/ssl/private/*.env")
                .set("offsite.image.keys-dir", keys.toString());
        OffsiteHarness.CommandResult image = app.command("image");
        assertThat(image.exit()).as(image.out()).isZero();
        app.set("offsite.data.dir", Files.createDirectories(dir.resolve("nobodys-data")).toString());
        Tools.run(dir, null, "chmod", "-R", "a+rwX", dir.toString());
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void secrets_are_laid_over_the_base_in_a_folder_the_image_makes_read_only() throws Exception {
        Path restored = dir.resolve("restored");

        Run restore = asNobody("restore-image", "--to", restored.toString(), "--with-secrets", "--secret-key", secretKey.toString());

        assertThat(restore.exit()).as(restore.out()).isZero();
        Path folder = restored.resolve(tree.toString().substring(1)).resolve("etc/ssl/private");
        assertThat(folder.resolve("app.env")).hasContent("KEY=Secret-Of-The-Machine-4412");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("r-xr-xr-x");
    }

    @Test
    void what_only_root_may_restore_is_named_on_the_ok_line_never_left_out_silently() throws Exception {
        Path restored = dir.resolve("restored");

        Run restore = asNobody("restore-image", "--to", restored.toString());

        assertThat(restore.exit()).as(restore.out()).isZero();
        Path machine = restored.resolve(tree.toString().substring(1));
        assertThat(machine.resolve("dev/null2")).doesNotExist();
        assertThat(Tools.run(machine, null, "getcap", "srv/tool")).as("the capability is left out").isEmpty();
        assertThat(restore.out()).as("every entry restored is owned by root or uid 1234 in the image")
                .containsPattern("OK: restored full backup \\S+ to " + restored + ": (\\d+) entries; not run as root, so left out: 1 device"
                        + " node, the owners of \\1 entries \\(yours now\\), the security\\.\\* and trusted\\.\\* attributes of 1 entry"
                        + " \\(file capabilities, SELinux labels\\)");
    }

    /** What a command run by nobody printed (standard output and error), and its exit code. */
    record Run(int exit, String out) {
    }

    /**
     * The command line run by nobody in a JVM of its own; its class path linked or copied where nobody may read it (the
     * clone and ~/.m2 may be under a home only root enters, on another file system than the temporary folder).
     */
    private Run asNobody(String... args) throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry);
            Path to = lib.resolve(classPath.size() + "-" + from.getFileName());
            if (Files.isRegularFile(from)) {
                try {
                    Files.createLink(to, from);
                } catch (IOException | UnsupportedOperationException otherFileSystem) {
                    Files.copy(from, to);
                }
                classPath.add(to.toString());
            } else if (entry.endsWith("classes") && !entry.endsWith("test-classes")) {
                Tools.run(dir, null, "cp", "-r", from.toString(), to.toString()); // the project's own
                classPath.add(to.toString());
            }
        }
        Tools.run(dir, null, "chmod", "-R", "a+rX", lib.toString());
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", String.join(File.pathSeparator, classPath),
                "offsite.cli.OffsiteCommand", "--config", app.writeConfig(dir.resolve("nobody.properties")).toString()));
        command.addAll(List.of(args));
        Tools.run(dir, null, "chmod", "a+r", dir.resolve("nobody.properties").toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the restore ends").isTrue();
        return new Run(p.exitValue(), out);
    }
}
