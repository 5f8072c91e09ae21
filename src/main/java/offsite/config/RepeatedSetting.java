package offsite.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A setting the settings file gives twice with different values. Properties take the last one without a word, and the
 * shipped file sets every setting: a line added above its own (offsite.sync.source=/srv/backups at the top) is undone by
 * the shipped empty one further down.
 */
public record RepeatedSetting(String name, int earlierLine, String earlierValue, int usedLine, String usedValue) {

    /** The settings of file set more than once with different values, in the order of their first line. */
    public static List<RepeatedSetting> in(Path file) throws IOException {
        Map<String, List<Line>> byName = new LinkedHashMap<>();
        for (Line line : settingLines(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList())) {
            byName.computeIfAbsent(line.name(), n -> new ArrayList<>()).add(line);
        }
        List<RepeatedSetting> out = new ArrayList<>();
        byName.forEach((name, lines) -> {
            Line used = lines.get(lines.size() - 1);
            lines.stream().filter(l -> !l.value().equals(used.value())).findFirst()
                    .ifPresent(earlier -> out.add(new RepeatedSetting(name, earlier.number(), earlier.value(), used.number(), used.value())));
        });
        return out;
    }

    /** One line saying where, both values (unless the name looks secret) and which one is used. */
    public String message(Path file) {
        return name + " is set twice in " + file + " with different values: " + SettingNames.shown(earlierValue, name) + " on line "
                + earlierLine + ", " + SettingNames.shown(usedValue, name) + " on line " + usedLine + "; the last one (line " + usedLine
                + ") is used: remove the other";
    }

    private record Line(int number, String name, String value) {
    }

    /** Each key = value of the file, by the line it starts on, read as Properties reads it (continuations, escapes). */
    private static List<Line> settingLines(List<String> lines) throws IOException {
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int first = i;
            String stripped = lines.get(i).stripLeading();
            if (stripped.isEmpty() || stripped.startsWith("#") || stripped.startsWith("!")) {
                continue;
            }
            StringBuilder logical = new StringBuilder(lines.get(i));
            while (continues(lines.get(i)) && i + 1 < lines.size()) {
                logical.append('\n').append(lines.get(++i));
            }
            Properties one = new Properties();
            one.load(new StringReader(logical.toString()));
            for (String name : one.stringPropertyNames()) {
                out.add(new Line(first + 1, name, one.getProperty(name).trim()));
            }
        }
        return out;
    }

    /** A line ending in an odd number of backslashes continues on the next one. */
    private static boolean continues(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }
}
