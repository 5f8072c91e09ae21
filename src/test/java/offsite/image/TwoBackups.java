package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import offsite.testing.OffsiteHarness;

/** A complete image and a diff on it, made by the real `image` command of a small machine tree: the keys of their objects. */
record TwoBackups(String full, String delta) {

    /** The newest backup's id: the diff's. */
    String newest() {
        return delta.split("/")[1];
    }

    /** Backs up a tree under dir twice, with a change between, into app's bucket; no keys, so no secret archive. */
    static TwoBackups made(OffsiteHarness app, Path dir) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(tree.resolve("hostname"), "excalibur\n");
        Files.write(tree.resolve("blob"), new byte[200_000]);
        app.set("offsite.image.roots", tree.getParent().toString())
                .set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("no-keys")).toString());
        assertThat(app.command("image").exit()).isZero();
        Files.writeString(tree.resolve("hostname"), "excalibur-2\n");
        assertThat(app.command("image").exit()).isZero();
        Map<String, String> stored = app.bucketFiles("images/");
        return new TwoBackups("images/" + stored.keySet().stream().filter(k -> k.endsWith("full.tar.zst")).findFirst().orElseThrow(),
                "images/" + stored.keySet().stream().filter(k -> k.endsWith("delta.zst")).findFirst().orElseThrow());
    }
}
