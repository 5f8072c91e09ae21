package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalEtagTest {

    @TempDir
    Path dir;

    @Test
    void single_put_etag_is_the_md5_that_md5sum_prints() throws Exception {
        Path file = dir.resolve("f");
        byte[] data = new byte[3_000_000];
        new Random(3).nextBytes(data);
        Files.write(file, data);
        Process md5sum = new ProcessBuilder("md5sum", file.toString()).start();
        String expected = new String(md5sum.getInputStream().readAllBytes()).split(" ")[0];

        assertThat(LocalEtag.of(file, data.length, new UploadShape(5L << 20, 5L << 20))).isEqualTo(expected);
    }

    /**
     * A plan hashing a set of 20,000 files (a lost hash cache, a first verify) once held a direct buffer per file until
     * a GC came: RSS 790 MB under a 384 MB heap, past a 512 MB container's limit. (Passes falsely only if a GC runs.)
     */
    @Test
    void hashing_thousands_of_files_keeps_no_direct_buffer_per_file() throws Exception {
        UploadShape shape = new UploadShape(5L << 20, 5L << 20);
        Path file = Files.write(dir.resolve("chunk.rdb"), new byte[4096]);
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        long before = direct.getCount();

        for (int i = 0; i < 2000; i++) {
            LocalEtag.of(file, 4096, shape);
            LocalEtag.multipart(file, 1024);
        }

        assertThat(direct.getCount() - before).as("direct buffers made by 4,000 hashes").isLessThan(10);
    }

    @Test
    void multipart_etag_counts_parts_with_the_shorter_last_one() throws Exception {
        UploadShape shape = new UploadShape(5L << 20, 5L << 20);
        Path file = dir.resolve("g");
        Files.write(file, new byte[(5 << 20) * 2 + 1]);

        assertThat(LocalEtag.of(file, Files.size(file), shape)).endsWith("-3").hasSize(32 + 2);
        assertThat(shape.parts(Files.size(file))).isEqualTo(3);
    }

    @Test
    void part_size_grows_when_the_file_would_need_more_than_10000_parts() {
        UploadShape shape = new UploadShape(64L << 20, 5L << 20);
        long huge = 100L << 30;

        assertThat(shape.partSizeFor(huge)).isGreaterThan(5L << 20);
        assertThat(shape.parts(huge)).isLessThanOrEqualTo(10_000);
    }

    /** The file is read through a small direct buffer in ranges; the stream reading is the independent reference. */
    @ParameterizedTest(name = "{0} bytes in parts of 256 KiB + 1")
    @ValueSource(longs = {0, 1, 262_145, 262_146, 524_290, 524_291, 1_000_000})
    void reading_the_file_in_ranges_gives_the_etags_of_reading_it_as_a_stream(long size) throws Exception {
        byte[] data = new byte[(int) size];
        new Random(size).nextBytes(data);
        Path file = Files.write(dir.resolve("ranges-" + size), data);
        long partSize = (256 << 10) + 1; // part boundaries fall inside the read buffer

        assertThat(LocalEtag.multipart(file, partSize)).isEqualTo(LocalEtag.multipart(new ByteArrayInputStream(data), partSize));
        assertThat(LocalEtag.of(file, size, new UploadShape(5L << 30, 5L << 20)))
                .isEqualTo(LocalEtag.single(new ByteArrayInputStream(data)));
    }
}
