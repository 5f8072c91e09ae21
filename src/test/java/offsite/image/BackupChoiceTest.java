package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** restore-image's choice of backup: --id, --at and --host each narrow it, and none is silently ignored. */
class BackupChoiceTest {

    private static ImageManifest full(String id, String created, String host) {
        return new ImageManifest(id, created, "full", null, "ab", host, List.of(), null, null);
    }

    private static final List<ImageManifest> BUCKET = List.of(full("a1", "2026-12-01T10:00:00Z", "alpha"),
            full("a2", "2026-12-02T10:00:00Z", "alpha"), full("b1", "2026-12-01T11:00:00Z", "beta"));

    @Test
    void an_id_and_a_time_together_are_refused_as_naming_two_backups() {
        assertThatThrownBy(() -> ImageRestore.choose(BUCKET, "a2", Instant.parse("2026-12-01T12:00:00Z"), null, "alpha"))
                .hasMessage("--id a2 and --at 2026-12-01T12:00:00Z each name a backup: give one of them");
    }

    @Test
    void an_id_of_another_host_than_the_one_asked_for_is_refused() {
        assertThatThrownBy(() -> ImageRestore.choose(BUCKET, "b1", null, "alpha", "alpha"))
                .hasMessage("--id b1 is a backup of host beta, not of --host alpha");
        assertThat(ImageRestore.choose(BUCKET, "b1", null, "beta", "alpha").id()).isEqualTo("b1");
        assertThat(ImageRestore.choose(BUCKET, "b1", null, null, "alpha").id()).as("an id alone names its backup").isEqualTo("b1");
    }

    @Test
    void a_time_picks_the_newest_backup_of_the_host_at_or_before_it() {
        assertThat(ImageRestore.choose(BUCKET, null, Instant.parse("2026-12-01T12:00:00Z"), null, "alpha").id()).isEqualTo("a1");
    }
}
