package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The inventory's search and filters take each query parameter as it was sent, against the running process: Camel's bean
 * binding read a parameter "null" as none and stripped the quotes of "'x'" (?search=null listed every object).
 */
class InventorySearchTest {

    @TempDir
    static Path dir;

    static OffsiteHarness app;
    static Main running;

    @BeforeAll
    static void start() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 1000, 1);
        app.write("null.rdb", 1000, 2);
        app.write("'quoted'.rdb", 1000, 3);
        app.write("Set A.rbc", 1000, 4);
        app.sync();
        running = app.startRunning();
    }

    @AfterAll
    static void stop() throws Exception {
        running.stop();
        app.close();
    }

    /** A query (null: none), the search it must echo, and the keys it must list. */
    record Search(String query, String search, List<String> keys) {
    }

    static final List<String> ALL = List.of("sets/'quoted'.rdb", "sets/Members/AA000001.rdb", "sets/Set A.rbc", "sets/null.rdb");

    static Stream<Search> searches() {
        return Stream.of(
                new Search(null, "", ALL),
                new Search("search=", "", ALL),
                new Search("search=null", "null", List.of("sets/null.rdb")),
                new Search("search=NULL", "NULL", List.of("sets/null.rdb")),
                new Search("search=" + encode("'quoted'"), "'quoted'", List.of("sets/'quoted'.rdb")),
                new Search("search=" + encode("\"A\""), "\"A\"", List.of()),
                new Search("search=A", "A", List.of("sets/Members/AA000001.rdb", "sets/Set A.rbc")),
                new Search("prefix=null", "", List.of()));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("searches")
    void the_inventory_api_searches_for_the_text_sent(Search s) throws Exception {
        JsonNode answer = new ObjectMapper().readTree(app.get("/api/inventory" + (s.query() == null ? "" : "?" + s.query()), null).body());

        List<String> keys = new ArrayList<>();
        answer.get("objects").forEach(o -> keys.add(o.get("key").asText()));
        assertThat(answer.at("/query/search").asText()).isEqualTo(s.search());
        assertThat(keys).isEqualTo(s.keys());
        assertThat(answer.get("matching").asInt()).isEqualTo(s.keys().size());
    }

    @Test
    void the_page_searches_for_null_and_shows_it_in_its_form() throws Exception {
        String page = app.get("/?search=null", null).body();

        assertThat(page).contains("contains <input name=\"search\" value=\"null\">", "<span id=\"matching\">1</span> matching",
                ">sets/null.rdb</a>").doesNotContain(">sets/Set A.rbc</a>");
    }

    @Test
    void the_activity_filter_named_null_shows_no_request() throws Exception {
        assertThat(new ObjectMapper().readTree(app.get("/api/activity", null).body())).isNotEmpty();

        assertThat(new ObjectMapper().readTree(app.get("/api/activity?pipeline=null", null).body())).isEmpty();
    }
}
