package offsite.notify;

/** A report by mail: the verdict line in the subject, the report as text in the body. */
public record MailNotice(String from, String to, String subject, String text) implements Notice {

    @Override
    public String channel() {
        return "mail";
    }

    @Override
    public String describe() {
        return "mail to " + to;
    }
}
