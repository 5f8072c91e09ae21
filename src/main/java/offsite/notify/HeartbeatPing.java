package offsite.notify;

/** A GET of the heartbeat URL after a run: the plain URL when it did not fail, URL/fail when it did. */
public record HeartbeatPing(String url, boolean failed) implements Notice {

    @Override
    public String channel() {
        return "heartbeat";
    }

    @Override
    public String describe() {
        return "heartbeat " + (failed ? "failure " : "") + "ping " + Redaction.url(url);
    }

    @Override
    public String toString() {
        return "HeartbeatPing[" + Redaction.url(url) + (failed ? ", failed" : "") + "]";
    }
}
