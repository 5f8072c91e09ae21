package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What a name in a report becomes in the webhook's text for Slack and Mattermost (ZWSP: the zero-width space). */
class ChatTextTest {

    record Case(String what, String text, String sent) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("plain text", "Members/AA000001.rdb: 4.0 MiB", "Members/AA000001.rdb: 4.0 MiB"),
                new Case("the arrow of the report", "  /set -> s3://b/sets/", "  /set -&gt; s3://b/sets/"),
                new Case("Slack's channel ping", "<!channel>", "&lt;!channel&gt;"),
                new Case("Slack's user mention", "<@U123>", "&lt;@ZWSPU123&gt;"),
                new Case("Slack's link", "<https://evil.example|click>", "&lt;https://evil.example|click&gt;"),
                new Case("an ampersand, already an entity or not", "Tom & Jerry &amp;", "Tom &amp; Jerry &amp;amp;"),
                new Case("Mattermost's mentions", "@channel @here @all @bob", "@ZWSPchannel @ZWSPhere @ZWSPall @ZWSPbob"),
                new Case("a Markdown link", "[click](https://evil.example)", "[click]ZWSP(https://evil.example)"),
                new Case("brackets that are no link", "copy [2] (old)", "copy [2] (old)"),
                new Case("a bracket at the end", "a]", "a]"),
                new Case("emphasis inside a name", "Set*A*.rdb", "Set\u2217A\u2217.rdb"),
                new Case("bold", "**Set A**.rbc", "\u2217\u2217Set A\u2217\u2217.rbc"),
                new Case("italic by underscores", "_old_ set/__init__.py", "\u02CDold\u02CD set/\u02CD\u02CDinit\u02CD\u02CD.py"),
                new Case("underscores inside a word", "snake_case_name OFFSITE_SYNC_SOURCE 1_000",
                        "snake_case_name OFFSITE_SYNC_SOURCE 1_000"),
                new Case("an underscore beside a letter of no ASCII", "caf\u00e9_x_\u00e9", "caf\u00e9\u02CDx\u02CD\u00e9"),
                new Case("strikethrough, and the trash's copies", "a ~~b~~ sets/a.rdb.~231500~",
                        "a \u223C\u223Cb\u223C\u223C sets/a.rdb.\u223C231500\u223C"),
                new Case("the report's own commands in backticks", "run `sync --accept-changes` once", "run `sync --accept-changes` once"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_name_shows_as_itself_and_neither_pings_nor_links(Case c) {
        assertThat(ChatText.of(c.text())).isEqualTo(c.sent().replace("ZWSP", "\u200B"));
    }

    /** Names whose marks Markdown (Mattermost's, CommonMark) takes for emphasis. */
    static Stream<String> emphasised() {
        return Stream.of("Set*A*.rdb", "**Set A**.rbc", "_old_.rdb", "set/__init__.py", "a *b* c", "*a*", "x_y_ _z_");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emphasised")
    void a_name_shows_no_emphasis_in_markdown(String name) {
        Parser markdown = Parser.builder().build();
        HtmlRenderer html = HtmlRenderer.builder().build();
        assertThat(html.render(markdown.parse(name))).as("as it was sent before").containsAnyOf("<em>", "<strong>");

        String shown = html.render(markdown.parse(ChatText.of(name)));

        // every character shown as sent, none taken for a mark
        assertThat(shown).isEqualTo("<p>" + ChatText.of(name) + "</p>\n");
    }
}
