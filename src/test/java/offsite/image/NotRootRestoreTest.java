package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

        Nobody.Run restore = asNobody("restore-image", "--to", restored.toString(), "--with-secrets", "--secret-key", secretKey.toString());

        assertThat(restore.exit()).as(restore.out()).isZero();
        Path folder = restored.resolve(tree.toString().substring(1)).resolve("etc/ssl/private");
        assertThat(folder.resolve("app.env")).hasContent("KEY=Secret-Of-The-Machine-4412");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("r-xr-xr-x");
    }

    @Test
    void what_only_root_may_restore_is_named_on_the_ok_line_never_left_out_silently() throws Exception {
        Path restored = dir.resolve("restored");

        Nobody.Run restore = asNobody("restore-image", "--to", restored.toString());

        assertThat(restore.exit()).as(restore.out()).isZero();
        Path machine = restored.resolve(tree.toString().substring(1));
        assertThat(machine.resolve("dev/null2")).doesNotExist();
        assertThat(Tools.run(machine, null, "getcap", "srv/tool")).as("the capability is left out").isEmpty();
        assertThat(restore.out()).as("every entry restored is owned by root or uid 1234 in the image")
                .containsPattern("OK: restored full backup \\S+ to " + restored + ": (\\d+) entries; not run as root, so left out: 1 device"
                        + " node, the owners of \\1 entries \\(yours now\\), the security\\.\\* and trusted\\.\\* attributes of 1 entry"
                        + " \\(file capabilities, SELinux labels\\)");
    }

    private Nobody.Run asNobody(String... args) throws Exception {
        return Nobody.run(dir, app, args);
    }
}
