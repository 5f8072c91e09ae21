package offsite.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import offsite.store.Bucket;
import offsite.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mirror pass at a time per data directory and per bucket prefix, held for the pass (not the process: a
 * one-shot `sync` may run while `run` waits for its window). Three locks, taken in order: one in this process, an
 * OS file lock on DATA/sync.lock (released by the kernel when a process dies, however it dies), and a lease object
 * in the bucket beside the prefix (sets.lease.json: host, pid, pass, start and expiry) for hosts that share a bucket.
 * A lease is taken over when its holder is gone (the data directory's last pass, or a dead pid on this host) or
 * when it is older than max-duration plus grace.
 */
public final class SyncLock {

    private static final Logger LOG = LoggerFactory.getLogger(SyncLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The bucket lease's content. */
    public record Lease(String host, long pid, String pass, String started, String expires) {
    }

    /** A lock held for one pass; release() gives every part back. */
    public final class Held {
        private final FileChannel channel;
        private final FileLock fileLock;
        private final String leaseKey;
        private final Lease lease;

        private Held(FileChannel channel, FileLock fileLock, String leaseKey, Lease lease) {
            this.channel = channel;
            this.fileLock = fileLock;
            this.leaseKey = leaseKey;
            this.lease = lease;
        }

        /** Gives the lock back, the lease too: release(true). */
        public void release() {
            release(true);
        }

        /**
         * Gives the lock back: the lease (when still ours; only when the bucket may be asked: a store that stopped answering
         * is not, and the next pass takes the lease over), the file lock, the process's flag. Never throws.
         */
        public void release(boolean askBucket) {
            if (!askBucket && leaseKey != null) {
                LOG.warn("the lease {} is left in the bucket, which stopped answering: the next pass takes it over", leaseKey);
            }
            try {
                if (askBucket && leaseKey != null && readLease(leaseKey).map(l -> l.pass().equals(lease.pass())).orElse(false)) {
                    bucket.delete(leaseKey);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not remove the lease {} ({}): the next pass takes it over", leaseKey, e.getMessage());
            }
            try {
                if (fileLock != null) {
                    fileLock.release();
                }
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                LOG.warn("could not release {}: {}", lockFile, e.getMessage());
            } finally {
                busy.set(false);
            }
        }
    }

    /** Either a held lock or why it was refused. */
    public record Attempt(Held held, String refusal) {
    }

    private final AtomicBoolean busy = new AtomicBoolean();
    private final Path lockFile;
    private final Bucket bucket;
    private final Clock clock;
    private final String host;
    private volatile Instant busySince;

    public SyncLock(Path dataDir, Bucket bucket, Clock clock, String host) {
        this.lockFile = dataDir.resolve("sync.lock");
        this.bucket = bucket;
        this.clock = clock;
        this.host = host;
    }

    /**
     * Takes the lock for a pass on the bucket prefix whose lease lives at leaseKey (null: no lease, for passes that
     * write nothing), for at most maxHold (the window and its grace). A lock held elsewhere is a refusal; a data
     * directory or bucket that cannot be used throws.
     */
    public Attempt take(String leaseKey, Duration maxHold) {
        if (!busy.compareAndSet(false, true)) {
            return new Attempt(null, "a sync pass is already running in this process since " + busySince);
        }
        busySince = clock.instant();
        FileChannel channel = null;
        boolean leased = false;
        try {
            Files.createDirectories(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock fileLock;
            try {
                fileLock = channel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                fileLock = null; // another Offsite in this JVM (a command beside run, in tests) holds it
            }
            if (fileLock == null) {
                String holder = new String(Files.readAllBytes(lockFile), StandardCharsets.UTF_8).strip();
                channel.close();
                busy.set(false);
                return new Attempt(null, "another Offsite process is running a sync pass on this data directory (" + lockFile
                        + (holder.isEmpty() ? "" : ": " + holder) + ")");
            }
            String previousPass = lastPass(channel);
            Lease ours = new Lease(host, ProcessHandle.current().pid(), UUID.randomUUID().toString(), clock.instant().toString(),
                    clock.instant().plus(maxHold).toString());
            if (leaseKey != null) {
                Optional<Lease> current = readLease(leaseKey);
                if (current.isPresent() && !takeable(current.get(), previousPass)) {
                    Lease other = current.get();
                    fileLock.release();
                    channel.close();
                    busy.set(false);
                    return new Attempt(null, "another pass is mirroring to this prefix: host " + other.host() + ", pid " + other.pid()
                            + ", since " + other.started() + "; its lease " + leaseKey + " expires at " + other.expires());
                }
                current.ifPresent(old -> LOG.warn("taking over the lease {} of {} (pid {}, pass since {}): its holder is gone or it expired",
                        leaseKey, old.host(), old.pid(), old.started()));
                bucket.put(leaseKey, Bucket.Body.of(JSON.writeValueAsBytes(ours)), null, Map.of(), Bucket.Kind.STATE);
                Optional<Lease> after = readLease(leaseKey);
                if (after.isEmpty() || !after.get().pass().equals(ours.pass())) {
                    fileLock.release();
                    channel.close();
                    busy.set(false);
                    return new Attempt(null, "another host took the lease " + leaseKey + " at the same moment"
                            + after.map(l -> " (" + l.host() + ")").orElse("") + "; this pass stands down");
                }
                leased = true; // read back as ours: taken back below if the pass cannot go on; another host's never is
            }
            writeHolder(channel, ours);
            return new Attempt(new Held(channel, fileLock, leaseKey, ours), null);
        } catch (IOException | RuntimeException e) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // the failure below says what went wrong
            }
            busy.set(false);
            if (leased) {
                try {
                    bucket.delete(leaseKey); // no pass holds it: other hosts need not wait for it to expire
                } catch (RuntimeException ignored) {
                    // it expires with maxHold
                }
            }
            if (e instanceof IOException io) {
                // a local file, which a full disk or a folder not ours fails: named, never taken for an S3 answer cut short
                FileSystemException local = new FileSystemException(lockFile.toString(), null, io.getMessage());
                local.initCause(io);
                throw new UncheckedIOException("cannot take the sync lock " + lockFile + ": " + io.getMessage()
                        + " (offsite.data.dir must be writable by the user running Offsite, with room)", local);
            }
            throw (RuntimeException) e;
        }
    }

    /** The lease's holder is gone (this data directory's last pass, or a dead pid on this host) or it expired. */
    private boolean takeable(Lease lease, String previousPass) {
        if (lease.pass().equals(previousPass)) {
            return true; // written by the pass this data directory ran last, whose process is gone: we hold its file lock
        }
        if (lease.host().equals(host) && ProcessHandle.of(lease.pid()).map(p -> !p.isAlive()).orElse(true)) {
            return true;
        }
        try {
            return Instant.parse(lease.expires()).isBefore(clock.instant());
        } catch (RuntimeException unreadable) {
            return true; // a lease nobody can read protects nothing
        }
    }

    private Optional<Lease> readLease(String key) {
        try (InputStream in = bucket.get(key, 0)) {
            return Optional.of(JSON.readValue(in.readAllBytes(), Lease.class));
        } catch (StoreException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            LOG.warn("the lease {} cannot be read ({}): taken over", key, e.getMessage());
            return Optional.empty();
        }
    }

    /** The pass id the lock file names: the last pass this data directory ran. */
    private static String lastPass(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(4096, channel.size()));
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        int at = text.indexOf("pass ");
        return at < 0 ? "" : text.substring(at + 5).split("\\s")[0];
    }

    private static void writeHolder(FileChannel channel, Lease lease) throws IOException {
        byte[] line = ("host " + lease.host() + " pid " + lease.pid() + " since " + lease.started() + " pass " + lease.pass() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(line), 0);
        channel.force(false);
    }

    /** This machine's name: $HOSTNAME, /etc/hostname, or what the resolver says. */
    public static String localHost() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException | UncheckedIOException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return "localhost";
            }
        }
    }
}
