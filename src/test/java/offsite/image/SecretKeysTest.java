package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import offsite.testing.Gpg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SecretKeysTest {

    @TempDir
    static Path shared;
    static String secretKeyText;

    @TempDir
    Path dir;

    @BeforeAll
    static void aKeyPair() throws Exception {
        new Gpg(shared.resolve("gpg")).newKey("Admin <a@example.org>", shared.resolve("a.asc"), shared.resolve("a-secret.asc"));
        secretKeyText = Files.readString(shared.resolve("a-secret.asc"));
    }

    @Test
    void a_folder_without_keys_gives_no_recipient_and_the_warning_names_it() throws Exception {
        Files.writeString(dir.resolve("README.txt"), "public keys go here");

        assertThat(SecretKeys.load(dir)).isEmpty();
        assertThat(SecretKeys.noRecipients(dir)).startsWith("no recipient keys in " + dir);
    }

    static Stream<Arguments> bad_key_files() {
        return Stream.of(
                Arguments.of("junk.asc", "not a key at all\n", "is not an OpenPGP public key"),
                Arguments.of("cut.asc", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF\n", "is not an OpenPGP public key"),
                Arguments.of("empty.gpg", "", "public key"),
                Arguments.of("secret.asc", "{secret}", "is not an OpenPGP public key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void bad_key_files(String name, String content, String message) throws Exception {
        Files.copy(shared.resolve("a.asc"), dir.resolve("a-good.asc"));
        Files.writeString(dir.resolve(name), content.replace("{secret}", secretKeyText));

        assertThatThrownBy(() -> SecretKeys.load(dir))
                .hasMessageContaining(dir.resolve(name).toString()).hasMessageContaining(message).hasMessageContaining("expected")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secretKeyText.lines().skip(2).findFirst().orElseThrow()));
    }

    @Test
    void a_missing_folder_is_an_error_naming_it() {
        Path missing = dir.resolve("nowhere");

        assertThatThrownBy(() -> SecretKeys.load(missing)).hasMessageContaining(missing.toString()).hasMessageContaining("not a directory");
    }

    @Test
    void several_keys_in_one_file_are_several_recipients() throws Exception {
        Gpg gpg = new Gpg(dir.resolve("gpg"));
        gpg.newKey("One <1@example.org>", dir.resolve("1.asc"), dir.resolve("1-secret.asc"));
        gpg.newKey("Two <2@example.org>", dir.resolve("2.asc"), dir.resolve("2-secret.asc"));
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Files.write(keys.resolve("team.gpg"), gpg.run(null, "--export"));

        assertThat(SecretKeys.load(keys)).hasSize(2).extracting(k -> k.getKeyID()).doesNotHaveDuplicates();
    }
}
