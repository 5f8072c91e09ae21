package offsite.notify;

import java.time.Instant;

/** A report POSTed as JSON to the webhook URL; late: see Notice.late(). */
public record WebhookPost(String url, String json, Instant late) implements Notice {

    public WebhookPost(String url, String json) {
        this(url, json, null);
    }

    @Override
    public String channel() {
        return "webhook";
    }

    @Override
    public String describe() {
        return (late == null ? "" : "late ") + "webhook " + Redaction.url(url);
    }

    @Override
    public String toString() {
        return "WebhookPost[" + Redaction.url(url) + "]";
    }
}
