package offsite.notify;

/**
 * A report's text made safe for the `text` of a webhook, which Slack and Mattermost render as markup: no name from the
 * backup set can ping a channel or a person or show as a link. {@code &}, {@code <} and {@code >} become {@code &amp;},
 * {@code &lt;} and {@code &gt;} (Slack's escaping: no {@code <!channel>}, {@code <@U123>} or {@code <url|text>} is left,
 * and Mattermost's Markdown shows the entities as the characters); a zero-width space follows each {@code @} (no
 * Mattermost mention: {@code @channel}, {@code @here}, {@code @all}, {@code @user}) and each {@code ]} before a
 * {@code (} (no Markdown link). Neither service has an escape for emphasis that the other shows cleanly (Slack shows a
 * backslash, and a zero-width space ends no emphasis in Mattermost's Markdown), so each {@code *} and {@code ~} becomes a
 * look-alike that marks nothing ({@code ∗} U+2217, {@code ∼} U+223C), and so does a {@code _} unless it stands between two
 * ASCII letters or digits, where no emphasis begins or ends ({@code ˍ} U+02CD): no name shows bold, italic or struck
 * through. Backticks stay: the report's own commands are written in them.
 */
final class ChatText {

    /** U+200B: invisible in both, and no letter or digit, so it ends a mention. */
    static final char ZERO_WIDTH_SPACE = '\u200B';
    /** The look-alikes of *, ~ and _ (those jsx-slack shows for them): ordinary characters to Slack and to Markdown. */
    static final char ASTERISK = '\u2217';
    static final char TILDE = '\u223C';
    static final char LOW_LINE = '\u02CD';

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
                case '*' -> out.append(ASTERISK);
                case '~' -> out.append(TILDE);
                case '_' -> out.append(asciiLetterOrDigit(text, i - 1) && asciiLetterOrDigit(text, i + 1) ? '_' : LOW_LINE);
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean asciiLetterOrDigit(String text, int i) {
        if (i < 0 || i >= text.length()) {
            return false;
        }
        char c = text.charAt(i);
        return c < 128 && Character.isLetterOrDigit(c);
    }
}
