package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import offsite.image.DataExtents.Extent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The tar entries Offsite writes read back the same, by its own reader and by stock GNU tar. */
class TarFormatTest {

    @TempDir
    Path dir;

    /** An entry, its data (the stored bytes: a sparse file's extents one after the other), and how `tar -tv` shows it. */
    record Case(String what, TarEntry entry, String data, String listed) {
        @Override
        public String toString() {
            return what;
        }
    }

    static final String LONG_NAME = "srv/donn\u00e9es/" + "x".repeat(120) + ".txt";
    static final long NO_ACCOUNT = 4_294_967_294L; // above the 7 octal digits of the ustar field

    static TarEntry entry(String name, char type, int mode, String link, long size, List<Xattr> xattrs, List<Extent> sparse) {
        return new TarEntry(name, type, mode, 0, 0, "root", "root", 1_700_000_000L, size, link, 0, 0, xattrs, sparse);
    }

    static Stream<Case> cases() {
        byte[] capability = {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        return Stream.of(
                new Case("a file", entry("etc/hostname", TarEntry.FILE, 0644, "", 8, List.of(), null), "machine\n",
                        "-rw-r--r-- root/root 8 2023-11-14 22:13 etc/hostname"),
                new Case("a long non-ASCII name", entry(LONG_NAME, TarEntry.FILE, 04755, "", 3, List.of(), null), "abc",
                        "-rwsr-xr-x root/root 3 2023-11-14 22:13 " + LONG_NAME),
                new Case("a directory", entry("srv/app", TarEntry.DIRECTORY, 01777, "", 0, List.of(), null), "",
                        "drwxrwxrwt root/root 0 2023-11-14 22:13 srv/app/"),
                new Case("a symlink with a long target", entry("etc/link", TarEntry.SYMLINK, 0777, "../" + "y".repeat(150), 0, List.of(), null), "",
                        "lrwxrwxrwx root/root 0 2023-11-14 22:13 etc/link -> ../" + "y".repeat(150)),
                new Case("a hard link", entry("etc/second", TarEntry.HARD_LINK, 0640, "etc/hostname", 0, List.of(), null), "",
                        "hrw-r----- root/root 0 2023-11-14 22:13 etc/second link to etc/hostname"),
                new Case("a FIFO", entry("run/pipe", TarEntry.FIFO, 0620, "", 0, List.of(), null), "",
                        "prw--w---- root/root 0 2023-11-14 22:13 run/pipe"),
                new Case("a character device", new TarEntry("dev/null", TarEntry.CHAR_DEVICE, 0666, 0, 0, "root", "root", 1_700_000_000L, 0,
                        "", 1, 3, List.of(), null), "", "crw-rw-rw- root/root 1,3 2023-11-14 22:13 dev/null"),
                new Case("a block device", new TarEntry("dev/vda", TarEntry.BLOCK_DEVICE, 0660, 0, 6, "root", "disk", 1_700_000_000L, 0,
                        "", 253, 0, List.of(), null), "", "brw-rw---- root/disk 253,0 2023-11-14 22:13 dev/vda"),
                new Case("owner ids beyond the ustar field, names beyond 31 bytes", new TarEntry("home/far", TarEntry.FILE, 0600,
                        NO_ACCOUNT, NO_ACCOUNT, "a-very-long-user-name-beyond-31-bytes", "", 1_700_000_000L, 1, "", 0, 0, List.of(), null),
                        "z", "-rw------- a-very-long-user-name-beyond-31-bytes/4294967294 1 2023-11-14 22:13 home/far"),
                new Case("an mtime before 1970", new TarEntry("old", TarEntry.FILE, 0644, 0, 0, "root", "root", -86_400L, 0, "", 0, 0,
                        List.of(), null), "", "-rw-r--r-- root/root 0 1969-12-31 00:00 old"),
                new Case("binary extended attributes, names with '=' and '%'", entry("bin/ping", TarEntry.FILE, 0755, "", 2,
                        List.of(new Xattr("security.capability", capability), new Xattr("user.a=b%c", new byte[] {0, '\n', '=', (byte) 0xff}),
                                new Xattr("user.empty", new byte[0])), null), "\u007fE",
                        "-rwxr-xr-x root/root 2 2023-11-14 22:13 bin/ping"),
                new Case("a sparse file with a trailing hole", entry("var/sparse.img", TarEntry.FILE, 0644, "", 10 << 20, List.of(),
                        List.of(new Extent(4096, 4096), new Extent(1 << 20, 10))), "d".repeat(4096) + "0123456789",
                        "-rw-r--r-- root/root 10485760 2023-11-14 22:13 var/sparse.img"),
                new Case("a sparse file that is all hole", entry("var/empty.img", TarEntry.FILE, 0644, "", 1 << 30, List.of(), List.of()), "",
                        "-rw-r--r-- root/root 1073741824 2023-11-14 22:13 var/empty.img"),
                new Case("a sparse file whose data reaches its end", entry("var/tail.img", TarEntry.FILE, 0644, "", 8192, List.of(),
                        List.of(new Extent(4096, 4096))), "t".repeat(4096), "-rw-r--r-- root/root 8192 2023-11-14 22:13 var/tail.img"));
    }

    static byte[] tar(List<Case> cases) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Case c : cases) {
            byte[] data = c.data().getBytes(StandardCharsets.ISO_8859_1);
            out.write(TarHeaders.of(c.entry()));
            out.write(data);
            out.write(new byte[TarHeaders.padding(data.length)]);
        }
        out.write(TarHeaders.end(out.size()));
        return out.toByteArray();
    }

    @Test
    void every_entry_reads_back_as_it_was_written_with_its_data() throws Exception {
        List<Case> cases = cases().toList();
        TarReader reader = new TarReader(new ByteArrayInputStream(tar(cases)));

        List<TarEntry> entries = new ArrayList<>();
        List<String> data = new ArrayList<>();
        for (TarEntry e; (e = reader.next()) != null; ) {
            entries.add(e);
            data.add(new String(reader.content().readAllBytes(), StandardCharsets.ISO_8859_1));
        }

        assertThat(entries).containsExactlyElementsOf(cases.stream().map(Case::entry).toList());
        assertThat(data).containsExactlyElementsOf(cases.stream().map(Case::data).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stock_tar_lists_the_entry(Case c) throws Exception {
        String listing = Tools.run(dir, tar(List.of(c)), "tar", "--quoting-style=literal", "--utc", "-tvf", "-");

        assertThat(listing.strip().replaceAll(" +", " ")).isEqualTo(c.listed());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void the_same_entry_gives_the_same_bytes_and_whole_blocks(Case c) {
        byte[] header = TarHeaders.of(c.entry());

        assertThat(TarHeaders.of(c.entry())).isEqualTo(header);
        assertThat(header.length % TarHeaders.BLOCK).isZero();
    }
}
