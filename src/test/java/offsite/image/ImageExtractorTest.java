package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ImageExtractorTest {

    @TempDir
    Path dir;

    /** One tar entry as data: a file with content, a directory (name ends in "/"), a symlink or a hard link (target set). */
    record Entry(String name, String content, String target, boolean hard) {
        static Entry file(String name, String content) {
            return new Entry(name, content, null, false);
        }

        static Entry link(String name, String target) {
            return new Entry(name, null, target, false);
        }

        static Entry hardLink(String name, String target) {
            return new Entry(name, null, target, true);
        }
    }

    /** An archive that must be refused, and the words of the refusal. */
    record Evil(String what, List<Entry> entries, String message) {
        @Override
        public String toString() {
            return what;
        }
    }

    static byte[] tar(List<Entry> entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry entry = e.target() != null ? new TarArchiveEntry(e.name(), e.hard() ? TarConstants.LF_LINK : TarConstants.LF_SYMLINK)
                        : new TarArchiveEntry(e.name(), true);
                if (e.target() != null) {
                    entry.setLinkName(e.target());
                } else if (e.content() != null) {
                    entry.setSize(e.content().length());
                }
                tar.putArchiveEntry(entry);
                if (e.content() != null) {
                    tar.write(e.content().getBytes());
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static Stream<Evil> evil() {
        return Stream.of(
                new Evil("../evil", List.of(Entry.file("../evil", "x")), "climbs out"),
                new Evil("a/../../evil", List.of(Entry.file("a/../../evil", "x")), "climbs out"),
                new Evil("/etc/evil", List.of(Entry.file("/etc/evil", "x")), "absolute"),
                new Evil("a file through a symlink to outside",
                        List.of(Entry.link("link", "{outside}"), Entry.file("link/evil", "x")), "symlink"),
                new Evil("a file through a relative symlink climbing out",
                        List.of(Entry.link("up", "../outside"), Entry.file("up/evil", "x")), "symlink"),
                new Evil("a directory through a symlink to outside",
                        List.of(Entry.link("link", "{outside}"), Entry.file("link/", null)), "symlink"),
                new Evil("a deep file through a symlinked parent",
                        List.of(Entry.file("a/", null), Entry.link("a/b", "{outside}"), Entry.file("a/b/c/evil", "x")), "symlink"),
                new Evil("a hard link to a file outside", List.of(Entry.hardLink("h", "../outside/x")), "climbs out"),
                new Evil("a hard link to an absolute name", List.of(Entry.hardLink("h", "/etc/passwd")), "absolute"),
                new Evil("a hard link through a symlink", List.of(Entry.link("l", "{outside}"), Entry.hardLink("h", "l/x")), "symlink"),
                new Evil("a hard link to a name not restored before it", List.of(Entry.hardLink("h", "later"), Entry.file("later", "x")),
                        "not a file restored before it"),
                new Evil("a file, then a directory of the same name", List.of(Entry.file("d", "x"), Entry.file("d/", null)),
                        "needs {restore}/d to be a directory, and it is there as another kind of entry"),
                new Evil("a file, then a file under it", List.of(Entry.file("d", "x"), Entry.file("d/f", "x")),
                        "needs {restore}/d to be a directory"),
                new Evil("a directory holding a file, then a file of the same name",
                        List.of(Entry.file("d/", null), Entry.file("d/f", "x"), Entry.file("d", "x")), "would replace {restore}/d, a directory that is not empty"),
                new Evil("a directory holding a file, then a symlink of the same name",
                        List.of(Entry.file("d/", null), Entry.file("d/f", "x"), Entry.link("d", "{outside}")), "would replace {restore}/d, a directory"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void evil(Evil evil) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path target = dir.resolve("restore");
        List<Entry> entries = evil.entries().stream()
                .map(e -> e.target() == null ? e : new Entry(e.name(), null, e.target().replace("{outside}", outside.toString()), e.hard())).toList();

        assertThatThrownBy(() -> new ImageExtractor(target).extract(new ByteArrayInputStream(tar(entries))))
                .hasMessageContaining("refused").hasMessageContaining(evil.message().replace("{restore}", target.toString()));
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).isEmpty();
        }
        assertThat(dir.resolve("evil")).doesNotExist();
    }

    /** An archive made elsewhere (a base's bytes may come from anywhere): its entries in an order of its own. */
    record Whole(String what, List<Entry> entries) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Whole> whole() {
        return Stream.of(
                new Whole("NAME.offsite-part before NAME", List.of(Entry.file("a.offsite-part", "its own"), Entry.file("a", "A"))),
                new Whole(".offsite-part before another file of its folder", List.of(Entry.file("d/.offsite-part", "its own"), Entry.file("d/b", "B"))),
                new Whole("a name of 255 bytes", List.of(Entry.file("d/" + "n".repeat(255), "long"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("whole")
    void an_archive_made_elsewhere_gives_back_every_file_with_its_own_bytes_whatever_its_names_and_order(Whole c) throws Exception {
        Path target = dir.resolve("restore");

        assertThat(new ImageExtractor(target).extract(new ByteArrayInputStream(tar(c.entries())))).isEqualTo(c.entries().size());

        Map<String, String> expected = c.entries().stream().collect(Collectors.toMap(Entry::name, Entry::content));
        try (Stream<Path> files = Files.walk(target)) {
            assertThat(files.filter(Files::isRegularFile).collect(Collectors.toMap(p -> target.relativize(p).toString(), p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }))).as("every file with its own bytes, and no other").isEqualTo(expected);
        }
    }

    /** A tar whose header a hostile or damaged image changed (its checksum made right again), and the words that must say so. */
    record Damaged(String what, UnaryOperator<byte[]> change, String said) {
        @Override
        public String toString() {
            return what;
        }
    }

    /** The one-file tar with a header block's bytes set from offset `at` and its checksum made right. */
    static byte[] withHeader(byte[] tar, int block, int at, byte[] bytes) {
        byte[] out = tar.clone();
        int base = block * 512;
        System.arraycopy(bytes, 0, out, base + at, bytes.length);
        Arrays.fill(out, base + 148, base + 156, (byte) ' ');
        long sum = 0;
        for (int i = base; i < base + 512; i++) {
            sum += out[i] & 0xff;
        }
        System.arraycopy(String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII), 0, out, base + 148, 8);
        return out;
    }

    static Stream<Damaged> damaged() {
        byte[] minusOne = new byte[12];
        Arrays.fill(minusOne, (byte) 0xff);
        return Stream.of(
                new Damaged("a size of -1 (base-256)", tar -> withHeader(tar, 0, 124, minusOne), "the tar header at byte 0 announces -1 bytes"),
                new Damaged("a pax mtime that is no number", tar -> {
                    String record = "14 mtime=abcd\n";
                    byte[] header = Arrays.copyOf(Arrays.copyOf(tar, 512), 1024); // the file's header, then one block of records
                    byte[] pax = withHeader(withHeader(header, 0, 124, "00000000016 ".getBytes(StandardCharsets.US_ASCII)), 0, 156, new byte[] {'x'});
                    System.arraycopy(record.getBytes(StandardCharsets.US_ASCII), 0, pax, 512, record.length());
                    byte[] out = Arrays.copyOf(pax, pax.length + tar.length);
                    System.arraycopy(tar, 0, out, pax.length, tar.length);
                    return out;
                }, "the tar header at byte 1024 is damaged")); // the entry's own, after its extended header
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damaged")
    void a_damaged_header_fails_the_restore_naming_where_it_is(Damaged c) throws Exception {
        byte[] tar = c.change().apply(tar(List.of(Entry.file("f", "hello"))));

        assertThatThrownBy(() -> new ImageExtractor(dir.resolve("restore")).extract(new ByteArrayInputStream(tar)))
                .isInstanceOf(IOException.class).hasMessageContaining(c.said());
    }

    @Test
    void a_later_file_replaces_a_symlink_instead_of_writing_through_it() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "untouched");
        Path target = dir.resolve("restore");
        new ImageExtractor(target).extract(new ByteArrayInputStream(tar(List.of(Entry.link("f", victim.toString()), Entry.file("f", "new")))));

        assertThat(victim).hasContent("untouched");
        assertThat(target.resolve("f")).hasContent("new").isRegularFile();
    }

    @Test
    void symlinks_may_point_anywhere_they_are_only_not_followed() throws Exception {
        Path target = dir.resolve("restore");
        new ImageExtractor(target).extract(new ByteArrayInputStream(tar(List.of(Entry.link("etc/passwd-link", "/etc/passwd"), Entry.link("up", "../../x")))));

        assertThat(Files.readSymbolicLink(target.resolve("etc/passwd-link"))).isEqualTo(Path.of("/etc/passwd"));
        assertThat(Files.readSymbolicLink(target.resolve("up"))).isEqualTo(Path.of("../../x"));
    }

    /** Issue 15, item 11: a hard link in a tar restored as an empty file. */
    @Test
    void an_archive_stock_tar_made_gives_back_hard_links_as_one_inode_holes_and_extended_attributes() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Tools.run(src, null, "sh", "-c", "echo shared > a && ln a b && truncate -s 50M sparse && printf x >> sparse"
                + " && setfattr -n user.tag -v 0x00ff3d0a a && mkfifo pipe");
        Path tar = dir.resolve("stock.tar");
        Tools.run(src, null, "tar", "--format=posix", "--xattrs", "--xattrs-include=*", "--sparse", "-cf", tar.toString(), "a", "b", "sparse", "pipe");
        Path out = dir.resolve("restore");

        try (var in = Files.newInputStream(tar)) {
            assertThat(new ImageExtractor(out).extract(in)).isEqualTo(4);
        }

        assertThat(out.resolve("b")).hasContent("shared");
        assertThat(Files.getAttribute(out.resolve("b"), "unix:ino")).isEqualTo(Files.getAttribute(out.resolve("a"), "unix:ino"));
        assertThat(Files.getAttribute(out.resolve("a"), "unix:nlink")).isEqualTo(2);
        assertThat(Files.size(out.resolve("sparse"))).isEqualTo((50L << 20) + 1);
        assertThat(Tools.run(out, null, "du", "-k", "sparse").split("\\s+")[0]).as("KiB on disk").isEqualTo("4");
        assertThat(Tools.run(out, null, "getfattr", "-d", "-e", "hex", "a")).contains("user.tag=0x00ff3d0a");
        assertThat(Tools.run(out, null, "stat", "-c", "%F", "pipe")).isEqualTo("fifo\n");
    }

    @Test
    void a_file_laid_again_into_a_directory_with_a_default_acl_keeps_only_its_own_acl() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Tools.run(src, null, "sh", "-c", "mkdir shared && setfacl -d -m u:nobody:rwx shared && echo x > shared/f && setfacl -b shared/f");
        Tools.run(src, null, "tar", "--format=posix", "--xattrs", "--xattrs-include=*", "--no-recursion", "-cf", "../acl.tar", "shared", "shared/f");
        byte[] tar = Files.readAllBytes(dir.resolve("acl.tar"));
        Path out = dir.resolve("restore");

        ImageExtractor first = new ImageExtractor(out);
        first.extract(new ByteArrayInputStream(tar));
        first.finish(); // the directory gets its default ACL at the end
        ImageExtractor again = new ImageExtractor(out); // a restore run again over it (--overwrite): the file is made anew inside
        again.extract(new ByteArrayInputStream(tar));
        again.finish();

        assertThat(Tools.run(out, null, "getfacl", "-c", "shared/f")).isEqualTo(Tools.run(src, null, "getfacl", "-c", "shared/f"))
                .doesNotContain("nobody");
        assertThat(Tools.run(out, null, "getfacl", "-c", "shared")).contains("default:user:nobody:rwx");
    }

    @Test
    void a_directory_a_later_symlink_replaced_gets_no_mode_or_time_through_the_link() throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rwx------"));
        FileTime victimTime = Files.getLastModifiedTime(victim);
        Path src = Files.createDirectories(dir.resolve("src"));
        // stock tar: the directory a/ (mode 0777, mtime 2001), then a symlink named a, appended
        Tools.run(src, null, "sh", "-c", "mkdir a && chmod 777 a && touch -d 2001-01-01 a && tar --format=posix -cf ../evil.tar a"
                + " && rmdir a && ln -s " + victim + " a && tar --format=posix -rf ../evil.tar a");
        Path out = dir.resolve("restore");

        ImageExtractor extractor = new ImageExtractor(out);
        try (var in = Files.newInputStream(dir.resolve("evil.tar"))) {
            extractor.extract(in);
        }
        extractor.finish();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).as("mode outside the restore").isEqualTo("rwx------");
        assertThat(Files.getLastModifiedTime(victim)).as("mtime outside the restore").isEqualTo(victimTime);
        assertThat(Files.readSymbolicLink(out.resolve("a"))).isEqualTo(victim);
    }
}
