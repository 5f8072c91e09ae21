package offsite.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageHistoryTest {

    @TempDir
    Path dir;

    @Test
    void a_torn_sample_costs_only_its_own_line_and_is_named() throws Exception {
        Path file = dir.resolve("storage-history.txt");
        Files.writeString(file, "2026-11-20 100\n2026-11-21 2026-11-22 300\n\n2026-11-23 400\n");

        StorageHistory.Read read = new StorageHistory(file).read();

        assertThat(read.days()).containsOnlyKeys(LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-23"))
                .containsEntry(LocalDate.parse("2026-11-23"), 400L);
        assertThat(read.problem()).isEqualTo(file + ": 1 line(s) not readable, left out (line 2)");
    }
}
