package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 15, item 11: a name can never forge a line of the plan, the log or the report. */
class PrintableNameTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "plain name with spaces and unicode | Set A/Ü ñ 日本.rdb    | Set A/Ü ñ 日本.rdb",
            "a newline                           | a\\nOK: forged.rdb   | a\\\\nOK: forged.rdb",
            "a tab and a carriage return         | a\\tb\\rc           | a\\\\tb\\\\rc",
            "an escape sequence                  | x\\u001b[31mred     | x\\\\u001b[31mred",
            "a byte that was not UTF-8           | caf\\ufffd.rdb      | caf\\\\ufffd.rdb",
            "a byte an image name carries        | caf\\udce9.rdb      | caf\\\\xe9.rdb",
            "a character beyond the BMP          | a\\ud83d\\ude00.rdb | a😀.rdb",
            "a backslash itself                  | a\\\\b              | a\\\\\\\\b"})
    void control_characters_and_replacement_characters_are_escaped(String what, String escapedJavaName, String expected) {
        String name = unescape(escapedJavaName.strip());

        assertThat(PrintableName.of(name)).isEqualTo(unescapeOnce(expected.strip()));
        assertThat(PrintableName.of(name)).doesNotContain("\n", "\r", "\t", "\u001b");
    }

    /** The table writes names as Java string escapes: \n, \t, \r, \\, \\uXXXX. */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(n);
            }
        }
        return out.toString();
    }

    /** The expected column: doubled backslashes stand for one. */
    private static String unescapeOnce(String s) {
        return s.replace("\\\\", "\\");
    }
}
