package offsite.image;

import java.util.concurrent.CompletableFuture;

/**
 * What an image backup is asked to do, and where the finished backup is handed back: the message that starts one
 * (routes/image.yaml, direct:image). The `image` command keeps the request and reads the report from it.
 */
public record ImageRequest(String trigger, boolean full, CompletableFuture<ImagePass> finished) {

    public ImageRequest {
        finished = finished == null ? new CompletableFuture<>() : finished;
    }

    /** The hourly schedule's backup. */
    public static ImageRequest scheduled() {
        return new ImageRequest("scheduled", false, null);
    }

    /** A backup asked for on the command line; full sends a complete image whatever the rule says. */
    public static ImageRequest command(boolean full) {
        return new ImageRequest("command", full, null);
    }

    /** The finished backup, once its report is written; null before. */
    public ImagePass pass() {
        return finished.getNow(null);
    }
}
