package offsite.notify;

import java.time.Instant;

/** A report by mail: the verdict line in the subject, the report as text in the body; late: see Notice.late(). */
public record MailNotice(String from, String to, String subject, String text, Instant late) implements Notice {

    public MailNotice(String from, String to, String subject, String text) {
        this(from, to, subject, text, null);
    }

    @Override
    public String channel() {
        return "mail";
    }

    @Override
    public String describe() {
        return (late == null ? "" : "late ") + "mail to " + to;
    }
}
