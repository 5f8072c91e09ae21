package offsite.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import offsite.testing.SmallDisk;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A full disk is told from other write failures whatever language the C library speaks. */
class DiskFullTest {

    @TempDir
    Path dir;

    record Case(String name, Throwable failure, boolean diskFilled, boolean full) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        IOException german = new IOException("Auf dem Gerät ist kein Speicherplatz mehr verfügbar");
        return Stream.of(
                new Case("English ENOSPC, disk with room", new IOException("No space left on device"), false, true),
                new Case("English EDQUOT, disk with room", new IOException("Disk quota exceeded"), false, true),
                new Case("wrapped English ENOSPC", new UncheckedIOException(new IOException("write: No space left on device")), false, true),
                new Case("German ENOSPC on a full disk", german, true, true),
                new Case("German ENOSPC wrapped, on a full disk", new RuntimeException("image failed", german), true, true),
                new Case("another failure, disk with room", new IOException("Input/output error"), false, false),
                new Case("German ENOSPC text, disk with room", german, false, false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void a_write_failure_is_a_full_disk_by_its_message_or_by_no_room_left(Case c) throws Exception {
        Path data = dir.resolve("disk");
        try (SmallDisk disk = SmallDisk.mount(data, 1)) {
            if (c.diskFilled()) {
                disk.leaveFree(0);
            }
            Path work = data.resolve("image/work/image.tar");

            assertThat(DiskFull.is(c.failure(), work)).isEqualTo(c.full());
            assertThat(Files.exists(work)).as("nothing created").isFalse();
        }
    }
}
