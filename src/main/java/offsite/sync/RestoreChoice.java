package offsite.sync;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import offsite.store.Generations.Generation;
import offsite.store.Generations.Mirrored;
import offsite.store.Generations.State;
import offsite.store.RemoteObject;

/**
 * Which generation restore-set brings back. Asked for none, the current one once it has been mirrored whole; while a new
 * generation is still being filled, the newest complete one before it. note: what the user must know about the choice
 * (null: nothing); shortfall: why the chosen generation may lack files of the set (null: it was mirrored whole).
 */
public record RestoreChoice(Generation generation, String note, String shortfall) {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

    /** Why the --generation asked for names no generation at all (0 or less), or null; asked: null for none given. */
    public static String refusal(Integer asked) {
        return asked == null || asked >= 1 ? null : "--generation " + asked + ": expected a generation number from 1 up (`status` lists"
                + " the bucket's)";
    }

    /**
     * The generation to restore; asked: the --generation given (one refusal() accepts), or null. One the state does not
     * list is looked for at its own prefix (prefixOf), where the listing says whether it holds anything.
     */
    public static RestoreChoice of(State state, Integer asked, IntFunction<String> prefixOf) {
        if (asked != null) {
            Optional<Generation> named = state.generations().stream().filter(g -> g.number() == asked).findFirst();
            if (named.isEmpty()) {
                return new RestoreChoice(new Generation(asked, prefixOf.apply(asked), null, null, null, null), null, null);
            }
            return new RestoreChoice(named.get(), null, named.get().complete() == null ? notWhole(named.get()) : null);
        }
        Generation current = state.currentGeneration();
        if (current.complete() != null) {
            return new RestoreChoice(current, null, null);
        }
        Optional<Generation> complete = state.generations().stream()
                .filter(g -> g.number() < current.number() && g.complete() != null && g.retired() == null)
                .reduce((a, b) -> b.number() > a.number() ? b : a);
        if (complete.isEmpty()) {
            return new RestoreChoice(current, null, notWhole(current));
        }
        Generation g = complete.get();
        return new RestoreChoice(g, "generation " + current.number() + " (" + current.prefix() + ") is still being filled"
                + (current.started() == null ? "" : " (started " + DAY.format(current.started()) + ")") + ": restoring generation "
                + g.number() + " (" + g.prefix() + "), the newest one mirrored whole; --generation " + current.number()
                + " restores what the new one holds so far", null);
    }

    /**
     * Why the listing holds fewer objects or bytes than the last pass that ran to its end left under the generation's
     * prefix (objects lost since: the set restored from it lacks them), or null when it holds as many or nothing was
     * recorded (a state written by an older Offsite).
     */
    public String missing(List<RemoteObject> listed) {
        Mirrored left = generation.mirrored();
        long bytes = listed.stream().mapToLong(RemoteObject::size).sum();
        if (left == null || (listed.size() >= left.objects() && bytes >= left.bytes())) {
            return null;
        }
        return "the bucket lists " + listed.size() + " objects (" + bytes + " bytes) under " + generation.prefix() + " where the last pass ("
                + DAY.format(left.at()) + ") left " + left.objects() + " (" + left.bytes() + " bytes) there: objects were deleted or"
                + " truncated since, not by a pass that ran to its end (a lifecycle rule, another client, a person), or the listing came"
                + " back short, so files of the set are missing; `verify` names them against the local set";
    }

    private static String notWhole(Generation g) {
        return "generation " + g.number() + " (" + g.prefix() + ") is not marked complete: no pass has mirrored the whole set into it yet"
                + " (a first mirror cut short, files left for the next window, or a generations state rebuilt), so files of the set may"
                + " be missing";
    }
}
