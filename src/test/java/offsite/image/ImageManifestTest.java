package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageManifestTest {

    @Test
    void round_trips_and_tolerates_fields_other_tools_add() {
        ImageManifest m = new ImageManifest("20261123T100000Z", "2026-11-23T10:00:00Z", "diff", "20261123T000000Z", "ab", "host-a",
                List.of(new ImageManifest.StoredObject("images/20261123T100000Z/delta.zst", "delta", "zstd", 10, "cd", 40L)), 2, null);
        String json = new String(m.toJson(), StandardCharsets.UTF_8).replace("{", "{\"writtenBy\":\"other\",");

        assertThat(ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8), "x")).isEqualTo(m);
    }

    @Test
    void a_manifest_written_before_content_sizes_were_kept_reads_with_none() {
        String older = "{\"id\":\"a\",\"created\":\"2026-11-23T10:00:00Z\",\"type\":\"full\",\"imageSha256\":\"x\",\"objects\":[{\"key\":"
                + "\"images/a/full.tar.zst\",\"role\":\"full\",\"compression\":\"zstd\",\"size\":10,\"sha256\":\"cd\"}]}";

        ImageManifest m = ImageManifest.parse(older.getBytes(StandardCharsets.UTF_8), "x");

        assertThat(m.object("full").contentSize()).isNull();
        assertThat(new String(m.toJson(), StandardCharsets.UTF_8)).as("written back without one").doesNotContain("contentSize");
    }

    @Test
    void a_manifest_written_before_scrubbed_files_were_counted_reads_with_none_and_is_written_back_without() {
        String older = "{\"id\":\"a\",\"created\":\"2026-11-23T10:00:00Z\",\"type\":\"full\",\"imageSha256\":\"x\",\"objects\":[]}";

        ImageManifest m = ImageManifest.parse(older.getBytes(StandardCharsets.UTF_8), "x");

        assertThat(m.scrubbedFiles()).isNull();
        assertThat(new String(m.toJson(), StandardCharsets.UTF_8)).doesNotContain("scrubbedFiles");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{not json                                                                            | does not parse",
            "{\"id\":\"a\",\"created\":\"2026-11-23T10:00:00Z\",\"type\":\"diff\",\"imageSha256\":\"x\"} | base",
            "{\"id\":\"a\",\"created\":\"yesterday\",\"type\":\"full\",\"imageSha256\":\"x\"}            | yesterday",
            "{\"id\":\"a\",\"created\":\"2026-11-23T10:00:00Z\",\"type\":\"half\",\"imageSha256\":\"x\"} | expected full or diff",
            "{\"created\":\"2026-11-23T10:00:00Z\",\"type\":\"full\",\"imageSha256\":\"x\"}              | id is missing",
            "{\"id\":\"a\",\"created\":\"2026-11-23T10:00:00Z\",\"type\":\"full\",\"imageSha256\":\"x\",\"objects\":[{\"key\":\"k\",\"role\":\"full\",\"compression\":\"zstd\",\"size\":-1,\"sha256\":\"s\"}]} | objects[].size of k is -1 (expected 0 or more)",
            "{\"id\":\"a\",\"created\":\"2026-11-23T10:00:00Z\",\"type\":\"full\",\"imageSha256\":\"x\",\"objects\":[{\"key\":\"k\",\"role\":\"full\",\"compression\":\"zstd\",\"size\":1,\"sha256\":\"s\",\"contentSize\":-5}]} | objects[].contentSize of k is -5 (expected 0 or more)",
            "{\"id\":\"a\",\"created\":\"2026-11-23T10:00:00Z\",\"type\":\"full\",\"imageSha256\":\"x\",\"scrubbedFiles\":-1} | scrubbedFiles is -1 (expected 0 or more)"})
    void a_bad_manifest_is_refused_naming_its_source_and_the_problem(String json, String problem) {
        assertThatThrownBy(() -> ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8), "images/a/manifest.json"))
                .hasMessageContaining("manifest images/a/manifest.json does not parse").hasMessageContaining(problem);
    }
}
