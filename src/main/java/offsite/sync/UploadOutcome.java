package offsite.sync;

/** How one planned upload ended; sent counts bytes that went over the wire, reused those found already stored. */
public record UploadOutcome(String key, Status status, long size, long sent, long reused, long millis, String etag, String message) {

    public enum Status {
        UPLOADED, RESUMED, NOT_STARTED, CUT, CHANGED_DURING_UPLOAD, VANISHED, FAILED;

        public boolean done() {
            return this == UPLOADED || this == RESUMED;
        }
    }

    public static UploadOutcome failed(String key, long size, long millis, String message) {
        return new UploadOutcome(key, Status.FAILED, size, 0, 0, millis, null, message);
    }
}
