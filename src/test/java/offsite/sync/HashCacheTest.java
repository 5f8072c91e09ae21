package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/** The hash cache on real files: an entry lives only as long as its file, and a damaged cache costs re-hashes, never a start. */
class HashCacheTest {

    private static final UploadShape SHAPE = new UploadShape(5L << 20, 5L << 20);
    private static final Instant WRITTEN = Instant.parse("2026-11-20T22:15:00Z");

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void listen() {
        log.start();
        ((Logger) LoggerFactory.getLogger(HashCache.class)).addAppender(log);
    }

    @AfterEach
    void stopListening() {
        ((Logger) LoggerFactory.getLogger(HashCache.class)).detachAppender(log);
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve("set").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(WRITTEN));
        return file;
    }

    /** The file as a scan sees it now. */
    private LocalFile scanned(String name) {
        return new SourceScan(dir.resolve("set"), Clock.systemUTC(), false).scan().files().stream()
                .filter(f -> f.relativePath().equals(name)).findFirst().orElseThrow();
    }

    /** One way a stored line can be damaged; the good line beside it must survive. */
    record Damage(String name, byte[] line) {
    }

    static Stream<Damage> damages() {
        String etag = "900150983cd24fb0d6963f7d28e17f72";
        byte[] latin1 = ("3\t1\t2\t3\t5242880\t5242880\t0\t" + etag + "\t-\t-\t/set/caf\u00e9").getBytes(StandardCharsets.ISO_8859_1);
        return Stream.of(
                new Damage("a byte that is not UTF-8 (issue 15: start-up stopped with 'Input length = 1')", latin1),
                new Damage("a field missing", ("3\t1\t2\t3\t5242880\t0\t" + etag + "\t-\t-\t/set/x").getBytes(StandardCharsets.UTF_8)),
                new Damage("a size that is not a number", ("3a\t1\t2\t3\t5242880\t5242880\t0\t" + etag + "\t-\t-\t/set/x")
                        .getBytes(StandardCharsets.UTF_8)),
                new Damage("an ETag of no S3 form", "3\t1\t2\t3\t5242880\t5242880\t0\tnot-an-md5\t-\t-\t/set/x".getBytes(StandardCharsets.UTF_8)),
                new Damage("an MD5 of no MD5 form", ("3\t1\t2\t3\t5242880\t5242880\t0\t" + etag + "\tabc\t-\t/set/x")
                        .getBytes(StandardCharsets.UTF_8)),
                new Damage("an uploaded-as ETag with a space", ("3\t1\t2\t3\t5242880\t5242880\t0\t" + etag + "\t-\tkms 1\t/set/x")
                        .getBytes(StandardCharsets.UTF_8)),
                new Damage("an escape the cache never writes", ("3\t1\t2\t3\t5242880\t5242880\t0\t" + etag + "\t-\t-\t/set/\\q")
                        .getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void a_damaged_line_is_dropped_in_one_warn_naming_the_cache_and_only_its_file_is_hashed_again(Damage damage) throws Exception {
        write("good.rdb", "abc");
        Path cacheFile = dir.resolve("hash-cache.tsv");
        HashCache first = new HashCache(cacheFile, 0, Clock.systemUTC());
        first.etag(scanned("good.rdb"), SHAPE);
        first.save();
        ByteArrayOutputStream damaged = new ByteArrayOutputStream();
        damaged.write(Files.readAllBytes(cacheFile));
        damaged.write(damage.line());
        damaged.write('\n');
        Files.write(cacheFile, damaged.toByteArray());

        HashCache read = new HashCache(cacheFile, 0, Clock.systemUTC());

        assertThat(read.known(scanned("good.rdb"), SHAPE)).as("the good line survives").isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        assertThat(read.bytesHashed()).isZero();
        List<ILoggingEvent> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertThat(warnings).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains(cacheFile.toString(), "1 damaged line(s) dropped (line 3)", "hashed again"));
    }

    @Test
    void names_with_tabs_newlines_and_backslashes_keep_one_line_each_and_come_back_whole() throws Exception {
        List<String> names = List.of("new\nline.rdb", "tab\there.rdb", "back\\slash\\n.rdb", "plain.rdb", "cr\r.rdb");
        Path cacheFile = dir.resolve("hash-cache.tsv");
        HashCache cache = new HashCache(cacheFile, 0, Clock.systemUTC());
        for (String name : names) {
            write(name, name);
            cache.etag(scanned(name), SHAPE);
        }
        cache.save();

        HashCache read = new HashCache(cacheFile, 0, Clock.systemUTC());

        assertThat(Files.readAllLines(cacheFile)).as("a header and one line per file").hasSize(1 + names.size());
        for (String name : names) {
            assertThat(read.known(scanned(name), SHAPE)).as(name).isNotNull();
        }
        assertThat(log.list).noneMatch(e -> e.getLevel() == Level.WARN);
    }

    /** A change to a file that keeps its size and modification time (issue 15, item 3). */
    record Edit(String name, boolean byReplacing) {
    }

    static Stream<Edit> edits() {
        return Stream.of(new Edit("rewritten in place, its modification time put back", false),
                new Edit("replaced by another file of that size and time (a new inode)", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edits")
    void an_entry_does_not_outlive_its_file_when_size_and_modification_time_are_kept(Edit edit) throws Exception {
        Path file = write("chunk.rdb", "abc");
        Path cacheFile = dir.resolve("hash-cache.tsv");
        HashCache cache = new HashCache(cacheFile, 0, Clock.systemUTC());
        assertThat(cache.etag(scanned("chunk.rdb"), SHAPE)).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        cache.save();
        Thread.sleep(20); // a change time of another clock tick than the write's
        if (edit.byReplacing()) {
            Path other = Files.writeString(dir.resolve("other"), "xyz");
            Files.setLastModifiedTime(other, FileTime.from(WRITTEN));
            Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.writeString(file, "xyz");
            Files.setLastModifiedTime(file, FileTime.from(WRITTEN));
        }
        LocalFile now = scanned("chunk.rdb");
        assertThat(now.size()).isEqualTo(3);
        assertThat(now.modified()).isEqualTo(WRITTEN);

        HashCache read = new HashCache(cacheFile, 0, Clock.systemUTC());

        assertThat(read.known(now, SHAPE)).isNull();
        assertThat(read.etag(now, SHAPE)).isEqualTo("d16fb36f0911f878998c136191af705e");
        assertThat(read.bytesHashed()).isEqualTo(3);
    }

    @Test
    void the_etag_an_upload_was_given_and_the_whole_md5_are_kept_while_the_file_is_as_uploaded() throws Exception {
        Path file = write("big.rdb", "x".repeat(6 << 20)); // two parts of 5 MiB
        Path cacheFile = dir.resolve("hash-cache.tsv");
        HashCache cache = new HashCache(cacheFile, 0, Clock.systemUTC());
        String md5 = cache.md5(scanned("big.rdb"), SHAPE);
        String etag = cache.known(scanned("big.rdb"), SHAPE);
        cache.uploadedAs(scanned("big.rdb"), SHAPE, "kms-3f2a");
        cache.save();

        HashCache read = new HashCache(cacheFile, 0, Clock.systemUTC());

        assertThat(etag).as("the multipart ETag from the same read").isEqualTo(LocalEtag.multipart(file, 5 << 20)).endsWith("-2");
        assertThat(md5).isEqualTo(HexFormat.of().formatHex(LocalEtag.md5().digest(Files.readAllBytes(file))));
        assertThat(cache.bytesHashed()).isEqualTo(6 << 20);
        assertThat(read.uploadedAs(scanned("big.rdb"), SHAPE)).isEqualTo("kms-3f2a");
        assertThat(read.md5(scanned("big.rdb"), SHAPE)).isEqualTo(md5);
        assertThat(read.bytesHashed()).isZero();
        read.rehash(scanned("big.rdb"), SHAPE);
        assertThat(read.uploadedAs(scanned("big.rdb"), SHAPE)).as("kept by a re-hash that finds the same bytes").isEqualTo("kms-3f2a");

        Thread.sleep(20);
        Files.writeString(file, "y" + "x".repeat((6 << 20) - 1));
        Files.setLastModifiedTime(file, FileTime.from(WRITTEN));
        assertThat(read.uploadedAs(scanned("big.rdb"), SHAPE)).as("not for other content").isNull();
    }

    @Test
    void where_etags_are_md5s_uploads_and_unchanged_nights_store_nothing_beside_the_etag_and_leave_the_file_alone() throws Exception {
        write("chunk.rdb", "abc");
        String md5 = "900150983cd24fb0d6963f7d28e17f72";
        Path cacheFile = dir.resolve("hash-cache.tsv");
        HashCache uploaded = new HashCache(cacheFile, 0, Clock.systemUTC());
        uploaded.remember(scanned("chunk.rdb"), SHAPE, md5, md5, md5); // a single PUT answered with the MD5 as its ETag
        uploaded.save();
        assertThat(Files.readAllLines(cacheFile).get(1)).contains("\t" + md5 + "\t-\t-\t");
        Files.setLastModifiedTime(cacheFile, FileTime.from(WRITTEN));

        HashCache night = new HashCache(cacheFile, 0, Clock.systemUTC());
        night.uploadedAs(scanned("chunk.rdb"), SHAPE, md5); // the plan found the object listed under the local ETag
        night.save();

        assertThat(Files.getLastModifiedTime(cacheFile).toInstant()).as("not written again").isEqualTo(WRITTEN);
        assertThat(night.uploadedAs(scanned("chunk.rdb"), SHAPE)).isNull();
        assertThat(night.md5(scanned("chunk.rdb"), SHAPE)).isEqualTo(md5);
    }

    @Test
    void a_cache_of_the_format_before_keeps_its_etags_and_knows_no_upload_etag() throws Exception {
        write("chunk.rdb", "abc");
        Path cacheFile = dir.resolve("hash-cache.tsv");
        HashCache now = new HashCache(cacheFile, 0, Clock.systemUTC());
        now.etag(scanned("chunk.rdb"), SHAPE);
        now.save();
        String line = Files.readAllLines(cacheFile).get(1).replaceFirst("\t-\t-\t", "\t");
        Files.writeString(cacheFile, HashCache.HEADER_2 + "\n" + line + "\n");

        HashCache before = new HashCache(cacheFile, 0, Clock.systemUTC());

        assertThat(before.known(scanned("chunk.rdb"), SHAPE)).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        assertThat(before.uploadedAs(scanned("chunk.rdb"), SHAPE)).isNull();
        assertThat(log.list).noneMatch(e -> e.getLevel() == Level.WARN);
    }

    @Test
    void a_cache_of_the_older_format_is_used_once_by_size_and_time_and_then_kept_by_change_time_and_inode() throws Exception {
        Path file = write("chunk.rdb", "abc");
        Path cacheFile = dir.resolve("hash-cache.tsv");
        Files.writeString(cacheFile, "3\t" + WRITTEN.toEpochMilli() + "\t5242880\t5242880\t900150983cd24fb0d6963f7d28e17f72\t" + file + "\n"
                + "9\t1\t5242880\t5242880\tffffffffffffffffffffffffffffffff\t/gone/file\n");

        HashCache old = new HashCache(cacheFile, 0, Clock.systemUTC());
        assertThat(old.etag(scanned("chunk.rdb"), SHAPE)).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        assertThat(old.bytesHashed()).as("no re-hash of the whole set on the upgrade night").isZero();
        old.save();

        assertThat(Files.readAllLines(cacheFile)).as("rewritten in the new format, the unmet line dropped").hasSize(2)
                .first().isEqualTo(HashCache.HEADER);
        Thread.sleep(20);
        Files.writeString(file, "xyz");
        Files.setLastModifiedTime(file, FileTime.from(WRITTEN));
        assertThat(new HashCache(cacheFile, 0, Clock.systemUTC()).known(scanned("chunk.rdb"), SHAPE))
                .as("from then on keyed by change time and inode too").isNull();
    }

    @Test
    void files_gone_from_the_source_are_forgotten_and_the_cache_written_without_them() throws Exception {
        write("kept.rdb", "abc");
        write("groomed.rdb", "def");
        Path cacheFile = dir.resolve("hash-cache.tsv");
        HashCache cache = new HashCache(cacheFile, 0, Clock.systemUTC());
        cache.etag(scanned("kept.rdb"), SHAPE);
        cache.etag(scanned("groomed.rdb"), SHAPE);
        cache.save();
        FileTime written = Files.getLastModifiedTime(cacheFile);

        HashCache next = new HashCache(cacheFile, 0, Clock.systemUTC());
        next.keepOnly(List.of(scanned("kept.rdb"), scanned("groomed.rdb")));
        next.save();
        assertThat(Files.getLastModifiedTime(cacheFile)).as("nothing gone: not written").isEqualTo(written);
        next.keepOnly(List.of(scanned("kept.rdb")));
        next.save();

        HashCache read = new HashCache(cacheFile, 0, Clock.systemUTC());
        assertThat(read.known(scanned("kept.rdb"), SHAPE)).isNotNull();
        assertThat(read.known(scanned("groomed.rdb"), SHAPE)).isNull();
        assertThat(Files.readString(cacheFile)).doesNotContain("groomed.rdb");
    }
}
