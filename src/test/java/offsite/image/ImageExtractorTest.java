package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** One tar entry as data: a file with content, a directory (name ends in "/"), or a symlink (target set). */
    record Entry(String name, String content, String target) {
        static Entry file(String name, String content) {
            return new Entry(name, content, null);
        }

        static Entry link(String name, String target) {
            return new Entry(name, null, target);
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
                TarArchiveEntry entry = e.target() != null ? new TarArchiveEntry(e.name(), TarConstants.LF_SYMLINK)
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
                        List.of(Entry.file("a/", null), Entry.link("a/b", "{outside}"), Entry.file("a/b/c/evil", "x")), "symlink"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void evil(Evil evil) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path target = dir.resolve("restore");
        List<Entry> entries = evil.entries().stream()
                .map(e -> e.target() == null ? e : Entry.link(e.name(), e.target().replace("{outside}", outside.toString()))).toList();

        assertThatThrownBy(() -> ImageExtractor.extract(new ByteArrayInputStream(tar(entries)), target))
                .hasMessageContaining("refused").hasMessageContaining(evil.message());
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).isEmpty();
        }
        assertThat(dir.resolve("evil")).doesNotExist();
    }

    @Test
    void a_later_file_replaces_a_symlink_instead_of_writing_through_it() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "untouched");
        Path target = dir.resolve("restore");
        ImageExtractor.extract(new ByteArrayInputStream(tar(List.of(Entry.link("f", victim.toString()), Entry.file("f", "new")))), target);

        assertThat(victim).hasContent("untouched");
        assertThat(target.resolve("f")).hasContent("new").isRegularFile();
    }

    @Test
    void symlinks_may_point_anywhere_they_are_only_not_followed() throws Exception {
        Path target = dir.resolve("restore");
        ImageExtractor.extract(new ByteArrayInputStream(tar(List.of(Entry.link("etc/passwd-link", "/etc/passwd"), Entry.link("up", "../../x")))), target);

        assertThat(Files.readSymbolicLink(target.resolve("etc/passwd-link"))).isEqualTo(Path.of("/etc/passwd"));
        assertThat(Files.readSymbolicLink(target.resolve("up"))).isEqualTo(Path.of("../../x"));
    }
}
