package offsite.image;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether each image backup could be restored as far as one listing of the bucket shows, without downloading: every
 * object its manifest lists is there at the size the manifest says, and a diff's complete image has its manifest and
 * its object too. What the bytes hold is the deep check's (ImageRestore.rebuild). Pure: the manifests and the listing are
 * read by the verify-image command.
 */
public final class ImageCheck {

    /** One backup's verdict: problems empty when it could be restored; each problem names the object or manifest. */
    public record Verdict(ImageManifest backup, List<String> problems) {

        public boolean restorable() {
            return problems.isEmpty();
        }

        /** full, or "diff on BASE". */
        public String kind() {
            return backup.full() ? "full" : "diff on " + backup.base();
        }
    }

    private ImageCheck() {
    }

    /**
     * The verdict on each of backups, oldest first. all: every manifest read under the prefix (a diff's base may be
     * another one than those checked); sizes: every key listed under the prefix with its size.
     */
    public static List<Verdict> of(List<ImageManifest> backups, List<ImageManifest> all, Map<String, Long> sizes) {
        Map<String, ImageManifest> byId = all.stream().collect(Collectors.toMap(ImageManifest::id, Function.identity(), (a, b) -> a));
        List<Verdict> verdicts = new ArrayList<>();
        for (ImageManifest backup : backups.stream().sorted(Comparator.comparing(ImageManifest::created)).toList()) {
            List<String> problems = new ArrayList<>();
            if (backup.object(backup.full() ? "full" : "delta") == null) {
                problems.add("its manifest lists no " + (backup.full() ? "complete image (role full)" : "delta (role delta)"));
            }
            for (ImageManifest.StoredObject o : backup.objects()) {
                present(o, sizes, problems);
            }
            if (!backup.full()) {
                ImageManifest base = byId.get(backup.base());
                if (base == null) {
                    problems.add("its complete image " + backup.base() + " has no manifest in the bucket");
                } else if (!base.full()) {
                    problems.add("its base " + backup.base() + " is a diff, not a complete image");
                } else if (base.object("full") == null) {
                    problems.add("its complete image " + backup.base() + " lists no object of role full");
                } else {
                    int before = problems.size();
                    present(base.object("full"), sizes, problems);
                    for (int i = before; i < problems.size(); i++) {
                        problems.set(i, "its complete image: " + problems.get(i));
                    }
                }
            }
            verdicts.add(new Verdict(backup, List.copyOf(problems)));
        }
        return verdicts;
    }

    private static void present(ImageManifest.StoredObject o, Map<String, Long> sizes, List<String> problems) {
        Long size = sizes.get(o.key());
        if (size == null) {
            problems.add(o.key() + " is not in the bucket");
        } else if (size != o.size()) {
            problems.add(o.key() + " is " + size + " bytes, the manifest says " + o.size());
        }
    }
}
