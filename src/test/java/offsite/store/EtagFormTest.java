package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import offsite.config.SettingError;
import offsite.store.Bucket.StoredObject;
import offsite.store.EtagForm.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** When an upload proves a service's ETags are not MD5s, and how long that is remembered. */
class EtagFormTest {

    /** MD5 of "abc". */
    private static final String MD5 = "900150983cd24fb0d6963f7d28e17f72";
    private static final String OPAQUE = "6b1f1a4dfe1c7b5e8f4a2c0d9e3b7a61";

    @TempDir
    Path dir;

    private EtagForm form(Setting setting, String bucket, Fallbacks fallbacks) {
        return new EtagForm(setting, dir.resolve("data/opaque-etags.txt"), bucket, fallbacks);
    }

    private static Optional<StoredObject> head(long size, String etag, String md5chksumOfHex) {
        Map<String, String> metadata = md5chksumOfHex == null ? Map.of() : EtagForm.metadata(md5chksumOfHex);
        return Optional.of(new StoredObject("sets/a", size, etag, Instant.EPOCH, metadata));
    }

    /** What one upload of "abc" (3 bytes) under Content-MD5 and md5chksum showed, and whether that proves opaque ETags. */
    record Evidence(String name, Setting setting, boolean contentMd5Refused, String returned, Optional<StoredObject> head, boolean proves) {
    }

    static Stream<Evidence> evidence() {
        return Stream.of(
                new Evidence("checked, whole, its md5chksum, the ETag answered", Setting.AUTO, false, OPAQUE, head(3, OPAQUE, MD5), true),
                new Evidence("offsite.s3.etag=md5: never", Setting.MD5, false, OPAQUE, head(3, OPAQUE, MD5), false),
                new Evidence("Content-MD5 refused by the service: the body was not checked", Setting.AUTO, true, OPAQUE, head(3, OPAQUE, MD5),
                        false),
                new Evidence("the ETag answered is the MD5", Setting.AUTO, false, MD5, head(3, MD5, MD5), false),
                new Evidence("no object there", Setting.AUTO, false, OPAQUE, Optional.empty(), false),
                new Evidence("another size there", Setting.AUTO, false, OPAQUE, head(4, OPAQUE, MD5), false),
                new Evidence("no md5chksum there (an older object)", Setting.AUTO, false, OPAQUE, head(3, OPAQUE, null), false),
                new Evidence("another md5chksum there", Setting.AUTO, false, OPAQUE, head(3, OPAQUE, "0123456789abcdef0123456789abcdef"), false),
                new Evidence("another ETag there than the answer's (a lost answer, an older object)", Setting.AUTO, false, OPAQUE,
                        head(3, "ffffffffffffffffffffffffffffffff", MD5), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evidence")
    void an_upload_proves_opaque_etags_only_when_the_service_checked_its_bytes_and_holds_them_whole(Evidence c) {
        Fallbacks fallbacks = new Fallbacks();
        if (c.contentMd5Refused()) {
            fallbacks.use("Content-MD5", "bodies go without it");
        }
        EtagForm form = form(c.setting(), "my-bucket", fallbacks);

        boolean proved = form.shownByObject("sets/a", 3, MD5, c.returned(), c.head());

        assertThat(proved).isEqualTo(c.proves());
        assertThat(form.opaque()).isEqualTo(c.proves());
        assertThat(fallbacks.lacks("MD5 ETags")).isEqualTo(c.proves());
        assertThat(form(Setting.AUTO, "my-bucket", new Fallbacks()).opaque()).as("the next process knows").isEqualTo(c.proves());
    }

    @Test
    void what_the_data_directory_remembers_holds_for_its_bucket_under_auto_and_md5_or_opaque_overrule_it() {
        EtagForm found = form(Setting.AUTO, "my-bucket", new Fallbacks());
        assertThat(found.shownByPart("sets/a", 1, MD5, OPAQUE)).isTrue();
        Fallbacks next = new Fallbacks();

        assertThat(form(Setting.AUTO, "my-bucket", next).opaque()).isTrue();
        assertThat(next.inUse().get("MD5 ETags")).contains("opaque-etags.txt");
        assertThat(form(Setting.AUTO, "another-bucket", new Fallbacks()).opaque()).isFalse();
        assertThat(form(Setting.MD5, "my-bucket", new Fallbacks()).opaque()).isFalse();
        assertThat(form(Setting.OPAQUE, "another-bucket", new Fallbacks()).opaque()).isTrue();
    }

    @Test
    void a_part_proves_nothing_without_an_etag_or_when_its_etag_is_its_md5() {
        EtagForm form = form(Setting.AUTO, "my-bucket", new Fallbacks());

        assertThat(form.shownByPart("sets/a", 1, MD5, null)).isFalse();
        assertThat(form.shownByPart("sets/a", 1, MD5, MD5.toUpperCase())).isFalse();
        assertThat(form.opaque()).isFalse();
        assertThat(dir.resolve("data/opaque-etags.txt")).doesNotExist();
    }

    @Test
    void a_damaged_line_of_the_record_costs_only_itself() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.write(dir.resolve("data/opaque-etags.txt"), new byte[] {'o', 't', 'h', (byte) 0xff, 'r', '\n'});
        Files.writeString(dir.resolve("data/opaque-etags.txt"), "my-bucket\t2026-11-30T20:04:44Z\n", StandardOpenOption.APPEND);

        assertThat(form(Setting.AUTO, "my-bucket", new Fallbacks()).opaque()).isTrue();
        assertThat(form(Setting.AUTO, "oth-r", new Fallbacks()).opaque()).isFalse();
    }

    @Test
    void a_bad_setting_is_named_with_its_value_and_what_is_expected() {
        assertThatThrownBy(() -> Setting.parse("sse-kms")).isInstanceOf(SettingError.class)
                .hasMessage("offsite.s3.etag: 'sse-kms' is not valid (expected auto, md5 or opaque)");
        assertThat(Setting.parse(" Opaque ")).isEqualTo(Setting.OPAQUE);
    }

    /** The md5chksum an object carries against the MD5 of the bytes sent. */
    record Stored(String name, Optional<StoredObject> head, String problem) {
    }

    static Stream<Stored> stored() {
        return Stream.of(
                new Stored("size and md5chksum agree", head(3, OPAQUE, MD5), null),
                new Stored("no object", Optional.empty(), "no object is there"),
                new Stored("another size", head(5, OPAQUE, MD5), "the object has 5 bytes, not 3"),
                new Stored("no md5chksum", head(3, OPAQUE, null), "the object has no md5chksum metadata"),
                new Stored("an md5chksum that is no base64 MD5", Optional.of(new StoredObject("sets/a", 3, OPAQUE, Instant.EPOCH,
                        Map.of("md5chksum", "not base64!"))), "the object has no md5chksum metadata"),
                new Stored("another MD5", head(3, OPAQUE, "0123456789abcdef0123456789abcdef"), "the object's md5chksum is the MD5"
                        + " 0123456789abcdef0123456789abcdef, the bytes sent have " + MD5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stored")
    void an_upload_is_confirmed_by_the_size_and_md5chksum_a_head_finds(Stored c) {
        assertThat(EtagForm.problem(c.head(), 3, MD5)).isEqualTo(c.problem());
    }
}
