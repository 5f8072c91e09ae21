package offsite.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import offsite.files.LockFile;
import offsite.files.ReplacementFile;

/**
 * The last notification sent and the last one given up per channel, kept in DATA/notifications.json so that the status
 * page of any process (the daemon's, after a `sync` command's or a restart) can name a mail server that has been failing.
 * The daemon and a one-shot command started by hand both write it: each change is a read-modify-write under the lock
 * DATA/notifications.json.lock, so neither undoes the other's channel.
 */
public final class LastDeliveries implements DeliveryOutcomes {

    /** The last one given up: when, what (safe for a log), why (redacted), after how many attempts. */
    public record Failure(Instant at, String what, String reason, int attempts) {
    }

    /** One channel's record; either part null: none yet. */
    public record Channel(Instant lastSent, Failure lastFailure) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Path file;
    private final Path lock;

    public LastDeliveries(Path file) {
        this.file = file;
        // beside it, not the file itself: each write replaces the file, and a lock on the replaced one would guard nothing
        this.lock = file.resolveSibling(file.getFileName() + ".lock");
    }

    /** Channel name to its record, by name; empty when nothing was ever sent or given up. */
    public Map<String, Channel> read() throws IOException {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        Map<String, Channel> all = JSON.readValue(file.toFile(), JSON.getTypeFactory().constructMapType(TreeMap.class, String.class, Channel.class));
        return new TreeMap<>(all);
    }

    @Override
    public void sent(String channel, Instant at) {
        update(channel, old -> new Channel(at, old.lastFailure()));
    }

    @Override
    public void givenUp(String channel, Instant at, String what, String reason, int attempts) {
        update(channel, old -> new Channel(old.lastSent(), new Failure(at, what, reason, attempts)));
    }

    /** The lock is held from the read to the move only: a send or a retry's wait never holds it. */
    private void update(String channel, UnaryOperator<Channel> change) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (LockFile held = LockFile.take(lock)) {
                write(channel, change);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    private void write(String channel, UnaryOperator<Channel> change) throws IOException {
        Map<String, Channel> all;
        try {
            all = read();
        } catch (IOException unreadable) { // a torn or hand-edited file: start it again rather than lose this outcome
            all = new TreeMap<>();
        }
        all.put(channel, change.apply(all.getOrDefault(channel, new Channel(null, null))));
        Path tmp = ReplacementFile.beside(file);
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), all);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
