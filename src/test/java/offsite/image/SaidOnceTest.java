package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaidOnceTest {

    @TempDir
    Path dir;

    @Test
    void a_backup_is_news_the_first_time_it_is_found_and_again_once_it_broke_anew() throws Exception {
        SaidOnce kept = new SaidOnce(dir.resolve("unrestorable.txt"));

        SaidOnce.Said first = kept.said(Map.of("A", "a gone"));
        SaidOnce.Said second = kept.said(Map.of("A", "a gone", "B", "b cut"));
        SaidOnce.Said fixed = kept.said(Map.of("B", "b cut"));
        SaidOnce.Said brokenAgain = kept.said(Map.of("A", "a gone", "B", "b cut"));

        assertThat(first.news()).containsOnlyKeys("A");
        assertThat(second.news()).containsOnlyKeys("B");
        assertThat(second.known()).containsOnlyKeys("A");
        assertThat(fixed.news()).isEmpty();
        assertThat(fixed.known()).containsOnlyKeys("B");
        assertThat(brokenAgain.news()).as("A was fixed in between: news again").containsOnlyKeys("A");
        assertThat(Files.readAllLines(dir.resolve("unrestorable.txt"))).containsExactly("A", "B");
    }

    @Test
    void a_damaged_file_makes_every_backup_news_again() throws Exception {
        Files.write(dir.resolve("unrestorable.txt"), new byte[] {(byte) 0xff, (byte) 0xfe, 'A'});
        SaidOnce kept = new SaidOnce(dir.resolve("unrestorable.txt"));

        assertThat(kept.said(Map.of("A", "a gone")).news()).containsOnlyKeys("A");
    }
}
