package offsite.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the last image backup found of one kind (kept backups that cannot be restored, a signing key's expiry), by id,
 * one a line in a file under DATA/image, so that each is a WARN, and so a mail, once: hourly backups would otherwise mail
 * the same broken monthly backup every hour for months. Later backups still say it in a note. One that is gone drops
 * out, and is a WARN again if it comes back.
 */
final class SaidOnce {

    /** What a pass says: news (a WARN each) and what the backup before said too (a note each). */
    record Said(Map<String, String> news, Map<String, String> known) {
    }

    private final Path file;

    SaidOnce(Path file) {
        this.file = file;
    }

    /** Splits found (id to what is wrong) by the ids named before; pure. */
    static Said split(Map<String, String> found, Set<String> before) {
        Map<String, String> news = new LinkedHashMap<>();
        Map<String, String> known = new LinkedHashMap<>();
        found.forEach((id, why) -> (before.contains(id) ? known : news).put(id, why));
        return new Said(news, known);
    }

    /** What this pass says, the ids found kept for the next; a file that cannot be read counts as none named before. */
    Said said(Map<String, String> found) throws IOException {
        Set<String> before = new TreeSet<>();
        if (Files.isRegularFile(file)) {
            try {
                Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty()).forEach(before::add);
            } catch (IOException e) {
                before.clear(); // damaged: say them all again, once
            }
        }
        Said said = split(found, before);
        if (!before.equals(found.keySet())) {
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.write(next, new TreeSet<>(found.keySet()), StandardCharsets.UTF_8);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return said;
    }
}
