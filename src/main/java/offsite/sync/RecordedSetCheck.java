package offsite.sync;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import offsite.store.Generations.Mirrored;
import offsite.store.Generations.RecordedListing;
import offsite.store.MirrorListing;
import offsite.store.RemoteObject;

/**
 * What restore-set finds of the set the last pass left, against what the bucket lists now: by name and size where that
 * pass stored its listing, by counts where it did not (a state written by an older Offsite, or a listing that cannot be
 * read). missing: the verdict's clause when objects are gone or changed size (null: none); named: lines naming them,
 * NAMED at most; notes: what the user must know though nothing is missing (objects the record lacks, a listing not used).
 */
public record RecordedSetCheck(String missing, List<String> named, List<String> notes) {

    /** Missing or resized objects named one per line; the rest are counted in one more. */
    static final int NAMED = 20;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

    public RecordedSetCheck {
        named = List.copyOf(named);
        notes = List.copyOf(notes);
    }

    /** choice: the generation restored; recorded: its listing as read back; listed: the bucket's listing of its prefix now. */
    public static RecordedSetCheck of(RestoreChoice choice, RecordedListing recorded, List<RemoteObject> listed) {
        Mirrored left = choice.generation().mirrored();
        if (recorded.listing() == null) {
            List<String> notes = recorded.unusable() == null ? List.of() : List.of("the listing of what the last pass left cannot be used ("
                    + recorded.unusable() + "): the bucket is compared with it by counts only");
            return new RecordedSetCheck(choice.missing(listed), List.of(), notes);
        }
        MirrorListing listing = recorded.listing();
        MirrorListing.Comparison found = listing.compare(listed);
        String prefix = choice.generation().prefix();
        String when = "the last pass (" + DAY.format(left.at()) + ")";
        List<String> notes = new ArrayList<>();
        if (found.unrecorded() > 0) { // a later upload by hand, say: restored with the set, never a reason to fail it
            notes.add(found.unrecorded() + " object(s) under " + prefix + " are not in what " + when + " left there (put there since, not by"
                    + " a pass): restored with the set");
        }
        if (found.whole()) {
            return new RecordedSetCheck(null, List.of(), notes);
        }
        List<String> named = new ArrayList<>();
        found.missing().stream().limit(NAMED).forEach(key -> named.add("missing: " + PrintableName.of(key) + " ("
                + listing.sizes().get(key.substring(prefix.length())) + " bytes when " + when + " left it)"));
        found.resized().stream().limit(NAMED - named.size()).forEach(r -> named.add("another size: " + PrintableName.of(r.key()) + " ("
                + r.listed() + " bytes, " + r.recorded() + " when " + when + " left it)"));
        int rest = found.missing().size() + found.resized().size() - named.size();
        if (rest > 0) {
            named.add("... and " + rest + " more missing or of another size");
        }
        String of = " of the " + listing.sizes().size() + " objects " + when + " left under " + prefix;
        String missing = (found.missing().isEmpty() ? "the bucket holds " + found.resized().size() + of + " at another size"
                : "the bucket lacks " + found.missing().size() + of
                + (found.resized().isEmpty() ? "" : " and holds " + found.resized().size() + " of them at another size"))
                + " (named above): deleted or replaced since, not by a pass (a lifecycle rule, another client, a person, or a pass"
                + " killed before it recorded what it did), so the set restored lacks them";
        return new RecordedSetCheck(missing, named, notes);
    }

    /**
     * How to live with a partial set: restore-set has no option for it, since it restores every object the bucket still
     * holds anyway; the exit stays 1 so no script takes the set for whole.
     */
    public String partialSet(Path dir) {
        return "a partial set: every object the bucket still holds is restored to " + dir + ", each checked; if the set will do without"
                + " the ones named, use it as it is (restore-set exits 1 all the same); if the source still holds them, `bin/offsite sync`"
                + " sends them again and the restore after it is whole";
    }
}
