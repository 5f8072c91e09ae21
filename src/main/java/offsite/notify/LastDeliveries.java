package offsite.notify;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import offsite.files.LockFile;
import offsite.files.ReplacementFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last notification sent and the last one given up per channel, kept in DATA/notifications.json so that the status
 * page of any process (the daemon's, after a `sync` command's or a restart) can name a mail server that has been failing.
 * The daemon and a one-shot command started by hand both write it: each change is a read-modify-write under the lock
 * DATA/notifications.json.lock, so neither undoes the other's channel. A report given up is kept there (unsent) until a
 * late copy of it is sent; one process at a time sends those (DATA/notifications.resend.lock), so none goes out twice.
 */
public final class LastDeliveries implements DeliveryOutcomes {

    /** The last one given up: when, what (safe for a log), why (redacted), after how many attempts. */
    public record Failure(Instant at, String what, String reason, int attempts) {
    }

    /**
     * A report given up, kept to be sent again late: the mail's subject and text, or the webhook's JSON (subject null). Never
     * the webhook's URL (a secret): the one set when it is sent again is used.
     */
    public record Unsent(Instant givenUp, String subject, String body) {
    }

    /** One channel's record; either of the first two null: none yet; unsent oldest first. */
    public record Channel(Instant lastSent, Failure lastFailure, List<Unsent> unsent) {

        @JsonCreator
        public Channel {
            unsent = unsent == null ? List.of() : List.copyOf(unsent); // a file written before unsent was kept
        }

        public Channel(Instant lastSent, Failure lastFailure) {
            this(lastSent, lastFailure, List.of());
        }

        /** Whether the channel's last outcome was a send: it works, its unsent can follow. */
        public boolean working() {
            return lastSent != null && (lastFailure == null || lastSent.isAfter(lastFailure.at()));
        }
    }

    /** Unsent reports kept per channel: the newest; a mail server down for weeks must not bring back weeks of mail. */
    static final int UNSENT_KEPT = 10;

    private static final Logger LOG = LoggerFactory.getLogger(LastDeliveries.class);

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Path file;
    private final Path lock;
    /** Held by the process sending unsent reports again, from its claim until each is sent or given up (and recorded). */
    private final Path resendLock;
    /** The unsent being sent again by this process, by when they were given up. */
    private final Set<Instant> claimed = new HashSet<>();
    /** resendLock while claimed is not empty, else null. */
    private LockFile resending;

    public LastDeliveries(Path file) {
        this.file = file;
        // beside it, not the file itself: each write replaces the file, and a lock on the replaced one would guard nothing
        this.lock = file.resolveSibling(file.getFileName() + ".lock");
        String name = file.getFileName().toString();
        this.resendLock = file.resolveSibling((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".resend.lock");
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
        update(channel, old -> new Channel(at, old.lastFailure(), old.unsent()));
    }

    @Override
    public void givenUp(String channel, Instant at, String what, String reason, int attempts) {
        update(channel, old -> new Channel(old.lastSent(), new Failure(at, what, reason, attempts), old.unsent()));
    }

    /** A late copy sent is no longer unsent. */
    @Override
    public void sent(Notice notice, Instant at) {
        try {
            update(notice.channel(), old -> new Channel(at, old.lastFailure(),
                    old.unsent().stream().filter(u -> !u.givenUp().equals(notice.late())).toList()));
        } finally {
            release(notice); // after the record: the next process to claim reads it sent
        }
    }

    /** A fresh report given up is kept unsent (a late copy given up again already is); a heartbeat never is. */
    @Override
    public void givenUp(Notice notice, Instant at, String reason, int attempts) {
        Unsent kept = null;
        if (notice.late() == null && notice instanceof MailNotice m) {
            kept = new Unsent(at, m.subject(), m.text());
        } else if (notice.late() == null && notice instanceof WebhookPost w) {
            kept = new Unsent(at, null, w.json());
        }
        Unsent keeping = kept;
        try {
            update(notice.channel(), old -> {
                List<Unsent> unsent = new ArrayList<>(old.unsent());
                if (keeping != null) {
                    unsent.add(keeping);
                }
                while (unsent.size() > UNSENT_KEPT) {
                    Unsent dropped = unsent.remove(0);
                    LOG.warn("{} of {} not kept to be sent again: more than {} unsent", notice.channel(), dropped.givenUp(), UNSENT_KEPT);
                }
                return new Channel(old.lastSent(), new Failure(at, notice.describe(), reason, attempts), unsent);
            });
        } finally {
            release(notice);
        }
    }

    /**
     * Claims the unsent of a channel to send them again: all when the channel works, otherwise only the oldest (a probe);
     * none already claimed in this process and not yet sent or given up, so two routes never send one twice. Across
     * processes (`run` and a `sync` by hand) the claims hold resendLock until each is sent or given up: while another
     * process holds it, none (that one sends them; what it leaves goes with the next report or the next hour's probe).
     */
    public synchronized List<Unsent> claim(String channel, boolean oldestOnly) throws IOException {
        if (!toSend(read().get(channel), oldestOnly)) {
            return List.of(); // nearly always: nothing kept, and no lock taken for it
        }
        if (resending == null) {
            resending = LockFile.tryTakeTurn(resendLock);
            if (resending == null) {
                LOG.info("{} reports given up are sent late by another Offsite process now ({} is held): not by this one",
                        channel, resendLock);
                return List.of();
            }
        }
        try {
            Channel c = read().get(channel); // again under the lock: the holder before may have sent them
            if (!toSend(c, oldestOnly)) {
                return List.of();
            }
            List<Unsent> free = c.unsent().stream().filter(u -> !claimed.contains(u.givenUp())).limit(oldestOnly ? 1 : Long.MAX_VALUE).toList();
            free.forEach(u -> claimed.add(u.givenUp()));
            return free;
        } finally {
            letGoWhenDone();
        }
    }

    private static boolean toSend(Channel c, boolean oldestOnly) {
        return c != null && !c.unsent().isEmpty() && (oldestOnly || c.working());
    }

    private synchronized void release(Notice notice) {
        if (notice.late() != null) {
            claimed.remove(notice.late());
            letGoWhenDone();
        }
    }

    /** Lets go of resendLock once nothing claimed is left in flight. */
    private void letGoWhenDone() {
        if (claimed.isEmpty() && resending != null) {
            try {
                resending.close();
            } catch (IOException e) {
                LOG.warn("could not let go of {}: {}", resendLock, e.getMessage());
            } finally {
                resending = null;
            }
        }
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
        all.put(channel, change.apply(all.getOrDefault(channel, new Channel(null, null, List.of()))));
        Path tmp = ReplacementFile.beside(file);
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), all);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
