package offsite.notify;

/**
 * A report's text made safe for the `text` of a webhook, which Slack and Mattermost render as markup: no name from the
 * backup set can ping a channel or a person or show as a link. {@code &}, {@code <} and {@code >} become {@code &amp;},
 * {@code &lt;} and {@code &gt;} (Slack's escaping: no {@code <!channel>}, {@code <@U123>} or {@code <url|text>} is left,
 * and Mattermost's Markdown shows the entities as the characters); a zero-width space follows each {@code @} (no
 * Mattermost mention: {@code @channel}, {@code @here}, {@code @all}, {@code @user}) and each {@code ]} before a
 * {@code (} (no Markdown link).
 */
final class ChatText {

    /** U+200B: invisible in both, and no letter or digit, so it ends a mention. */
    static final char ZERO_WIDTH_SPACE = '\u200B';

    private ChatText() {
    }

    static String of(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '@' -> out.append('@').append(ZERO_WIDTH_SPACE);
                case ']' -> out.append(i + 1 < text.length() && text.charAt(i + 1) == '(' ? "]" + ZERO_WIDTH_SPACE : "]");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
