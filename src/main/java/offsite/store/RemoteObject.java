package offsite.store;

import java.time.Instant;

/** One object as a LIST reports it: enough to compare with a local file without a GET. */
public record RemoteObject(String key, long size, String etag, Instant lastModified) {

    public RemoteObject {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("remote object key must not be empty");
        }
        etag = etag == null ? "" : etag.replace("\"", "");
    }

    /** A multipart ETag ends in "-N" with N the number of parts. */
    public int partCount() {
        int dash = etag.lastIndexOf('-');
        if (dash < 0) {
            return 0;
        }
        try {
            return Integer.parseInt(etag.substring(dash + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
