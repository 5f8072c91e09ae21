package offsite.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import offsite.files.Sha256;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each way of reading back reads what the drive holds, not what the page cache kept; on a real ext4 loop drive. */
class DriveReadTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = DriveRead.Way.class, names = {"DIRECT", "CACHE_DROPPED"})
    void each_way_reads_the_bytes_on_the_drive_not_those_in_the_page_cache(DriveRead.Way way) throws Exception {
        byte[] chunk = new byte[3 << 20 | 123]; // past the 1 MiB buffer, and not a whole number of blocks
        new Random(5).nextBytes(chunk);
        try (LoopDrive usb = LoopDrive.mount(dir)) {
            Path file = usb.mountPoint().resolve("AA000001.rdb");
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.wrap(chunk));
                out.force(true);
            }
            String written = Sha256.of(new ByteArrayInputStream(chunk));
            DriveRead readBack = new DriveRead(way);
            assertThat(readBack.sha256(file)).as("the whole file, read back").isEqualTo(written);

            usb.damage(chunk, chunk.length - 1); // the last byte, in the short last block

            assertThat(Sha256.of(file)).as("the page cache still holds what was written").isEqualTo(written);
            assertThat(readBack.sha256(file)).as("the drive's bytes").isNotEqualTo(written);
            assertThat(readBack.way()).isEqualTo(way);
        }
    }
}
