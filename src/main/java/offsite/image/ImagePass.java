package offsite.image;

import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import offsite.files.LockFile;
import offsite.report.ImageReport;
import offsite.report.RunStatus;
import offsite.report.SyncReport.Problem;
import offsite.store.RemoteObject;
import offsite.sync.RunProgress;

/**
 * The data of one image backup as it moves through routes/image.yaml: the message body from begin to the report.
 * Each step fills in its part (the image and its kind, the objects to upload, the manifest, what retention keeps and
 * deletes); what stops the backup is said in it. A backup that fails at its first step is that backup's failure, never
 * the previous one's.
 */
public final class ImagePass {

    private final ImageRequest request;
    private final Instant started;
    private volatile String id;
    private final Path work;
    private final List<ObjectUpload> uploads = Collections.synchronizedList(new ArrayList<>());
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    private final List<Problem> errors = Collections.synchronizedList(new ArrayList<>());
    private final List<String> deleted = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong stored = new AtomicLong();
    private volatile RunStatus status = RunStatus.OK;
    private volatile boolean storeStopped;
    private int storeStoppedNote = -1;
    private volatile RunProgress progress;

    String type;
    String decision;
    String base;
    long imageBytes;
    String imageSha256;
    long deltaBytes;
    int secretFiles;
    int scrubbedFiles;
    int unreadableSecrets;
    int kept;
    boolean manifestStored;
    ImageState nextState;
    Path nextSignature;
    Path nextIndex;
    String fullReadReason = "";
    Path secretTar;
    LockFile stateLock;
    ObjectUpload manifestUpload;
    /** manifest.json.asc, put just before the manifest; null when offsite.image.signing-key is not set. */
    ObjectUpload signatureUpload;
    /** The key of this backup's claim on its folder (FolderClaim) while it stands; null before the upload and once deleted. */
    String claim;
    List<RemoteObject> listing;
    private volatile ImageReport report;

    ImagePass(ImageRequest request, Instant started, String id, Path work) {
        this.request = request;
        this.started = started;
        this.id = id;
        this.work = work;
    }

    public ImageRequest request() {
        return request;
    }

    public Instant started() {
        return started;
    }

    /** The backup's id: PREFIX/ID/ holds its objects. */
    public String id() {
        return id;
    }

    /** The backup takes another id before its first upload (its own was taken in the bucket); the work folder stays. */
    void renamed(String id) {
        this.id = id;
    }

    Path work() {
        return work;
    }

    /** Whether the later steps run: nothing has failed yet. */
    public boolean proceeding() {
        return status != RunStatus.FAILED;
    }

    public RunStatus status() {
        return status;
    }

    void warn(String note) {
        notes.add(note);
        status = status.worst(RunStatus.WARN);
    }

    void note(String note) {
        notes.add(note);
    }

    public void fail(String cause) {
        fail("image", cause);
    }

    /** What failed (an object's key, or "image" for the backup) and why: the backup FAILED. */
    void fail(String subject, String cause) {
        errors.add(new Problem(subject, cause));
        status = RunStatus.FAILED;
    }

    /**
     * The S3 server stopped answering: the backup FAILED, said in one note, the reason then each thing skipped (once), and
     * nothing more is sent, read or deleted.
     */
    void storeStopped(String reason, String skipped) {
        synchronized (notes) {
            if (storeStoppedNote < 0) {
                notes.add(reason + "; " + skipped);
                storeStoppedNote = notes.size() - 1;
            } else if (!notes.get(storeStoppedNote).contains(skipped)) {
                notes.set(storeStoppedNote, notes.get(storeStoppedNote) + "; " + skipped);
            }
        }
        storeStopped = true;
        status = RunStatus.FAILED;
    }

    /** Whether the S3 server stopped answering during this backup: nothing more was asked of it. */
    public boolean storeStopped() {
        return storeStopped;
    }

    /** Why the backup FAILED in a line: the note of a store that stopped answering (what to check), else its first error. */
    String failure() {
        synchronized (notes) {
            return storeStoppedNote >= 0 ? notes.get(storeStoppedNote) : errors.isEmpty() ? "failed" : errors.get(0).cause();
        }
    }

    List<String> notes() {
        return notes;
    }

    List<Problem> errors() {
        return errors;
    }

    List<ObjectUpload> uploadList() {
        return uploads;
    }

    List<String> deletedIds() {
        return deleted;
    }

    /** What retention deletes, by id: "complete image" or "diff", for the log once it is deleted. */
    final Map<String, String> retiring = new ConcurrentHashMap<>();

    /** The current step's progress (reading, delta, compressing, uploading), for the terminal and the page. */
    public RunProgress progress() {
        return progress;
    }

    RunProgress step(String label, long plannedBytes) {
        RunProgress step = new RunProgress(label, plannedBytes);
        progress = step;
        return step;
    }

    void stored(long bytes) {
        stored.addAndGet(bytes);
    }

    /** The bytes of the data objects stored and checked so far (the manifest not counted): the report's "uploaded". */
    long storedBytes() {
        return stored.get();
    }

    /** Whether this backup has a plain secret tar to encrypt. */
    public boolean hasSecretTar() {
        return secretTar != null;
    }

    /** The plain secret tar, for the route's camel-crypto-pgp step. */
    public File secretTarFile() {
        return secretTar.toFile();
    }

    /** The files to put, in order, each with its key. */
    public List<ObjectUpload> uploads() {
        return List.copyOf(uploads);
    }

    /** The manifest, once written, its signature first when it is signed: put after every other object. */
    public List<ObjectUpload> manifestUploads() {
        if (manifestUpload == null) {
            return List.of();
        }
        return signatureUpload == null ? List.of(manifestUpload) : List.of(signatureUpload, manifestUpload);
    }

    /** The objects under the image prefix after retention, from this backup's own listing; null when it listed none. */
    public List<RemoteObject> imagesAfter(String prefix) {
        if (listing == null) {
            return null;
        }
        List<String> gone = List.copyOf(deleted);
        return listing.stream().filter(o -> gone.stream().noneMatch(id -> o.key().startsWith(prefix + id + "/"))).toList();
    }

    public ImageReport report() {
        return report;
    }

    void report(ImageReport ended) {
        report = ended;
    }
}
