package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageExtractorTest {

    @TempDir
    Path dir;

    /** A tar built as data: name -> content, or "->target" for a symlink. */
    static byte[] tar(List<String[]> entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String[] e : entries) {
                if (e[1].startsWith("->")) {
                    TarArchiveEntry link = new TarArchiveEntry(e[0], TarConstants.LF_SYMLINK);
                    link.setLinkName(e[1].substring(2));
                    tar.putArchiveEntry(link);
                } else {
                    TarArchiveEntry file = new TarArchiveEntry(e[0], true);
                    file.setSize(e[1].length());
                    tar.putArchiveEntry(file);
                    tar.write(e[1].getBytes());
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void refuses_climbing_out_absolute_names_and_writing_through_a_symlink() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path target = dir.resolve("restore");
        List<List<String[]>> evil = List.of(
                List.<String[]>of(new String[] {"../evil", "x"}),
                List.<String[]>of(new String[] {"a/../../evil", "x"}),
                List.<String[]>of(new String[] {"/etc/evil", "x"}),
                List.of(new String[] {"link", "->" + outside}, new String[] {"link/evil", "x"}));
        for (List<String[]> entries : evil) {
            assertThatThrownBy(() -> ImageExtractor.extract(new ByteArrayInputStream(tar(entries)), target))
                    .as(entries.get(entries.size() - 1)[0]).hasMessageContaining("refused");
        }
        try (var files = Files.list(outside)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void a_later_entry_replaces_a_symlink_instead_of_writing_through_it() throws Exception {
        Path outside = Files.writeString(dir.resolve("victim"), "untouched");
        Path target = dir.resolve("restore");
        ImageExtractor.extract(new ByteArrayInputStream(tar(List.of(new String[] {"f", "->" + outside}, new String[] {"f", "new"}))), target);

        assertThat(outside).hasContent("untouched");
        assertThat(target.resolve("f")).hasContent("new").isRegularFile();
    }
}
