package offsite.notify;

/** A report POSTed as JSON to the webhook URL. */
public record WebhookPost(String url, String json) implements Notice {

    @Override
    public String channel() {
        return "webhook";
    }

    @Override
    public String describe() {
        return "webhook " + Redaction.url(url);
    }

    @Override
    public String toString() {
        return "WebhookPost[" + Redaction.url(url) + "]";
    }
}
