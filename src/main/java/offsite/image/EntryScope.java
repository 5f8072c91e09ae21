package offsite.image;

import java.util.Locale;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * One JSON object or array, or one YAML mapping, and what it says about its values beyond their own keys. Under a
 * key that names a secret, every value becomes "x" but a label's (a key above carries down: "passwords": {"admin":
 * ...}). A value or data member is the entry its label names: it stays only after a name, key or type member that
 * names no secret ({"name": "DB_PASSWORD", "value": ...}, {"type": "password", "value": ...} hide it; so does no
 * label before it, since a line-by-line reader cannot look ahead).
 */
final class EntryScope {

    /** The members that name an entry rather than hold it: their value is judged as a name of a secret. */
    private static final Set<String> LABEL_KEYS = Set.of("name", "key", "type");
    /** The members that hold the entry their label names. */
    private static final Set<String> ENTRY_VALUE_KEYS = Set.of("value", "data");

    private enum Label { NONE, NEUTRAL, SECRET }

    private final boolean underSecret;
    private Label label;

    private EntryScope(boolean underSecret, Label label) {
        this.underSecret = underSecret;
        this.label = label;
    }

    /** The outermost scope of a file: no key above it. */
    static EntryScope top() {
        return new EntryScope(false, Label.NONE);
    }

    /** Whether a key above hides every value here but a label's. */
    boolean underSecret() {
        return underSecret;
    }

    /** The scope of an object or mapping that is the value of this scope's member key (an array item's: "" or the array's key). */
    EntryScope object(String key) {
        return new EntryScope(hidesBelow(key), Label.NONE);
    }

    /** The scope of an array that is the value of this scope's member key: its items are judged as that member's value. */
    EntryScope array(String key) {
        return new EntryScope(hidesBelow(key), label);
    }

    private boolean hidesBelow(String key) {
        return underSecret || PlainValue.namesSecret(key) || isEntryValue(key) && label == Label.SECRET;
    }

    /**
     * Whether a member's value may stay: key its key ("" for none), value its text, clears the format's own judgement
     * of them; a label's value is noted for the entry value after it.
     */
    boolean keeps(String key, String value, BiPredicate<String, String> clears) {
        String member = key.toLowerCase(Locale.ROOT);
        if (LABEL_KEYS.contains(member)) {
            label = PlainValue.namesSecret(value) ? Label.SECRET : label == Label.NONE ? Label.NEUTRAL : label;
            return clears.test(key, value);
        }
        if (underSecret || isEntryValue(member) && label != Label.NEUTRAL) {
            return false;
        }
        return clears.test(key, value);
    }

    private static boolean isEntryValue(String key) {
        return ENTRY_VALUE_KEYS.contains(key.toLowerCase(Locale.ROOT));
    }
}
