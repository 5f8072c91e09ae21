package offsite.sync;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import offsite.files.ReplacementFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Objects a deep check (run's restore test, `verify --deep`) found damaged in the bucket: their bytes do not hash to their
 * ETag, while the local file's do. The ETag still matches the file, so no plan would send it; until a pass has sent it
 * again, the plan does, the damaged object kept in the trash first as every replaced one is. Kept by key in
 * DATA/damaged-objects.json, with the ETag found damaged: an object replaced since (another ETag) is no longer it.
 */
public final class DamagedObjects {

    private static final Logger LOG = LoggerFactory.getLogger(DamagedObjects.class);
    /** How the reason of a file sent again begins. */
    static final String RESENT = "its object was found damaged at ";

    /** The ETag the object had when its bytes were found not to hash to it, when, and what the check said. */
    public record Found(String etag, Instant at, String what) {
    }

    private final Path file;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    public DamagedObjects(Path file) {
        this.file = file;
    }

    /** Every object found damaged and not sent again yet; a file that cannot be read counts as none, said in a WARN. */
    public synchronized Map<String, Found> all() {
        try {
            return new TreeMap<>(json.readValue(file.toFile(), new TypeReference<Map<String, Found>>() { }));
        } catch (NoSuchFileException | FileNotFoundException none) {
            return new TreeMap<>();
        } catch (IOException e) {
            LOG.warn("{} cannot be read ({}): objects a deep check found damaged are not sent again until it finds them again", file,
                    e.getMessage());
            return new TreeMap<>();
        }
    }

    /** Keeps an object found damaged, to be sent again by the next pass. */
    public synchronized void found(String key, Found found) throws IOException {
        Map<String, Found> all = all();
        all.put(key, found);
        write(all);
    }

    /** Forgets the objects whose files a pass has sent again. */
    public synchronized void sent(Collection<String> keys) throws IOException {
        Map<String, Found> all = all();
        if (all.keySet().removeAll(keys)) {
            write(all);
        }
    }

    /** Forgets the objects that are no longer there to mend (their file deleted, a new generation, retention). */
    public synchronized void keepOnly(Set<String> keys) throws IOException {
        Map<String, Found> all = all();
        if (all.keySet().retainAll(keys)) {
            write(all);
        }
    }

    /**
     * The plan with each file the plan leaves alone whose object is kept here at the ETag it still has turned into one to
     * send again, saying why; pure but for reading the file.
     */
    public SyncPlan resend(SyncPlan plan) {
        Map<String, Found> damaged = all();
        if (damaged.isEmpty()) {
            return plan;
        }
        List<PlannedFile> files = new ArrayList<>(plan.files().size());
        for (PlannedFile f : plan.files()) {
            Found found = damaged.get(f.key());
            if (f.action() == SyncAction.UNCHANGED && found != null && found.etag().equals(f.remote().etag())) {
                f = new PlannedFile(SyncAction.CHANGED, f.key(), f.size(), RESENT + found.at() + " ("
                        + found.what() + "): sent again", f.local(), f.remote());
            }
            files.add(f);
        }
        return new SyncPlan(files, plan.remoteBytes(), plan.remoteObjects(), plan.staleCache());
    }

    private void write(Map<String, Found> all) throws IOException {
        if (all.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        Files.createDirectories(file.getParent());
        Path tmp = ReplacementFile.beside(file);
        try {
            json.writeValue(tmp.toFile(), all);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
