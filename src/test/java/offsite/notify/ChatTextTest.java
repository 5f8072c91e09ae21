package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
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
                new Case("a bracket at the end", "a]", "a]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_name_shows_as_itself_and_neither_pings_nor_links(Case c) {
        assertThat(ChatText.of(c.text())).isEqualTo(c.sent().replace("ZWSP", "\u200B"));
    }
}
