package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MtimeMetadataTest {

    /** A time and rclone's text for it (swift's TimeToFloatString, as rclone's S3 backend writes x-amz-meta-mtime). */
    record Form(Instant time, String text) {
    }

    static Stream<Form> forms() {
        return Stream.of(
                new Form(Instant.ofEpochSecond(1_700_000_000L, 123_456_789), "1700000000.123456789"),
                new Form(Instant.ofEpochSecond(1_700_000_000L, 500_000_000), "1700000000.5"),
                new Form(Instant.ofEpochSecond(1_700_000_000L, 1), "1700000000.000000001"),
                new Form(Instant.ofEpochSecond(1_700_000_000L), "1700000000"),
                new Form(Instant.EPOCH, "0"),
                new Form(Instant.ofEpochSecond(-2, 500_000_000), "-1.5"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("forms")
    void a_time_is_written_as_rclone_writes_it_and_read_back_to_the_nanosecond(Form f) {
        assertThat(MtimeMetadata.format(f.time())).isEqualTo(f.text());
        assertThat(MtimeMetadata.stored(Map.of(MtimeMetadata.NAME, f.text()))).isEqualTo(f.time());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "abc", "1e9", "1700000000.", ".5", "0x10", "99999999999999999999"})
    void a_value_not_in_rclones_form_or_out_of_range_is_no_time(String value) {
        assertThat(MtimeMetadata.stored(Map.of(MtimeMetadata.NAME, value))).isNull();
    }

    @Test
    void decimals_past_the_nanosecond_are_cut_as_rclone_cuts_them_and_no_mtime_is_no_time() {
        assertThat(MtimeMetadata.stored(Map.of(MtimeMetadata.NAME, "1700000000.1234567899"))).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
        assertThat(MtimeMetadata.stored(Map.of("md5chksum", "x"))).isNull();
    }
}
