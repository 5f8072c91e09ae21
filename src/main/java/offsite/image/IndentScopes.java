package offsite.image;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The mappings of an indented settings file (YAML; INI, .env and .conf are flat), by column: the {@link EntryScope}
 * each line's key belongs to. A line deeper than a key's line is under that key; a list item ("- ") starts a new
 * mapping under the key above it, even at that key's own column (YAML's compact lists); a [section] starts afresh.
 * Fed every line that holds a key or a value, in order; blank lines, comments and braces are not fed.
 */
final class IndentScopes {

    /** One open mapping: its keys' column, its scope, and its last key, which owns the lines below it. */
    private static final class Level {
        final int column;
        final EntryScope scope;
        String lastKey = "";

        Level(int column, EntryScope scope) {
            this.column = column;
            this.scope = scope;
        }
    }

    private final Deque<Level> levels = new ArrayDeque<>();

    IndentScopes() {
        restart();
    }

    /** A section header: what follows is under no key. */
    void restart() {
        levels.clear();
        levels.push(new Level(-1, EntryScope.top()));
    }

    /** The scope of a line's key or value; the line's key, if any, is then given to {@link #keyed}. */
    EntryScope of(String line) {
        int indent = indent(line);
        int content = listItemContent(line, indent);
        while (levels.peek().column > indent) {
            levels.pop();
        }
        Level parent = levels.peek();
        if (content < 0 && parent.column == indent) {
            return parent.scope;
        }
        Level level = new Level(content < 0 ? indent : content, parent.scope.object(parent.lastKey));
        levels.push(level);
        return level.scope;
    }

    /** Notes the key of the line last given to {@link #of}: the lines below it are under it. */
    void keyed(String key) {
        levels.peek().lastKey = key;
    }

    /** The column of a list item's content ("- name: x" at 2 gives 4), or -1 when the line is no list item. */
    static int listItemContent(String line, int indent) {
        if (indent >= line.length() || line.charAt(indent) != '-') {
            return -1;
        }
        int content = indent + 1;
        if (content < line.length() && !Character.isWhitespace(line.charAt(content))) {
            return -1;
        }
        while (content < line.length() && Character.isWhitespace(line.charAt(content))) {
            content++;
        }
        return content;
    }

    static int indent(String line) {
        int indent = 0;
        while (indent < line.length() && Character.isWhitespace(line.charAt(indent))) {
            indent++;
        }
        return indent;
    }
}
