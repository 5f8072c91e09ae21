package offsite.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import offsite.report.ImageReport;
import offsite.report.RestoreTestReport;
import offsite.report.OfflineReport;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What goes out after a run, by the settings: the mirror's, the offline copy's and the restore test's report by mail and
 * webhook always or on problems, an image backup's only on problems, a missed window always; a ping of each pipeline's heartbeat after its real runs. A dry run
 * sends nothing.
 * Each method takes the run's report (a SyncReport, an ImageReport, an OfflineReport, a RestoreTestReport, a MissedWindow or a
 * StalledRun) and returns the
 * messages to send.
 */
public final class Notices {

    private static final Logger LOG = LoggerFactory.getLogger(Notices.class);

    private final NotifySettings settings;
    private final Supplier<String> host;
    /** The reports given up, to send late; null: none are kept. */
    private final LastDeliveries deliveries;
    private String hostName;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** host names this machine in subjects and JSON; asked once, when the first message is made (it may query DNS). */
    public Notices(NotifySettings settings, Supplier<String> host) {
        this(settings, host, null);
    }

    public Notices(NotifySettings settings, Supplier<String> host, LastDeliveries deliveries) {
        this.settings = settings;
        this.host = host;
        this.deliveries = deliveries;
    }

    /** A run as the notifications see it: which pipeline, its verdict, its text, and the report itself for the JSON. */
    record Outcome(String pipeline, String name, RunStatus status, String headline, String text, Object report, boolean dryRun,
            boolean run) {
    }

    /**
     * The JSON a webhook receives; text is the report as a person reads it, escaped for Slack and Mattermost (ChatText), and
     * headline and report are as they are, for programs.
     */
    record WebhookBody(String pipeline, String host, RunStatus status, String headline, String text, Object report) {
    }

    static Outcome outcome(Object report) {
        if (report instanceof SyncReport r) {
            return new Outcome("sync", "mirror", r.status(), r.headline(), r.text(), r, r.dryRun(), true);
        }
        if (report instanceof ImageReport r) {
            return new Outcome("image", "image backup", r.status(), r.headline(), r.text(), r, false, true);
        }
        if (report instanceof OfflineReport r) {
            return new Outcome("offline", "offline copy", r.status(), r.headline(), r.text(), r, false, true);
        }
        if (report instanceof RestoreTestReport r) { // no heartbeat: each stands for the backups or passes made, not tested
            return new Outcome(r.pipeline(), r.pipeline().equals("verify-image") ? "image restore test" : "set restore test", r.status(),
                    r.headline(), r.text(), r, false, true);
        }
        if (report instanceof MissedWindow w) {
            return new Outcome("sync", "mirror", w.status(), w.headline(), w.text(), w, false, false);
        }
        if (report instanceof StalledRun s) { // not a run's end: no heartbeat
            String name = switch (s.pipeline()) {
                case "image" -> "image backup";
                case "offline" -> "offline copy";
                default -> "mirror";
            };
            return new Outcome(s.pipeline(), name, s.status(), s.headline(), s.text(), s, false, false);
        }
        throw new IllegalArgumentException("no notification for a " + (report == null ? "missing report" : report.getClass().getName()));
    }

    /**
     * Whether the body is something to notify of. A route edited so that a step before direct:notify replaced the report
     * sends nothing, said once in a WARN (an error here would be retried, delaying the run's end for nothing).
     */
    public boolean deliverable(Object body) {
        if (body instanceof SyncReport || body instanceof ImageReport || body instanceof OfflineReport || body instanceof RestoreTestReport
                || body instanceof MissedWindow || body instanceof StalledRun) {
            return true;
        }
        LOG.warn("no notification for this run: the body at direct:notify is {}, not a report (keep `- to: direct:notify` right"
                + " after the step that makes the report)", body == null ? "empty" : "a " + body.getClass().getName());
        return false;
    }

    /** Whether the report itself goes out (mail, webhook). */
    boolean reportGoesOut(Outcome o) {
        if (o.dryRun()) {
            return false;
        }
        if (o.report() instanceof OfflineReport r && r.repeated()) {
            return false; // a try again that ended as the one before: that one went out, once for the period
        }
        if (!o.run() || o.status() != RunStatus.OK) {
            return true;
        }
        // a monthly offline copy's and a weekly restore test's success are as rare as news, so they follow the mirror's rule;
        // hourly images never do
        return !o.pipeline().equals("image") && settings.when() == NotifyWhen.ALWAYS;
    }

    public List<MailNotice> mails(Object report) {
        Outcome o = outcome(report);
        if (settings.mail() == null || !reportGoesOut(o)) {
            return List.of();
        }
        String subject = "Offsite " + o.name() + " on " + host() + ": " + o.headline().replaceAll("\\s+", " ").strip();
        return List.of(new MailNotice(settings.mail().from(), settings.mail().toHeader(), subject, o.text()));
    }

    public List<WebhookPost> webhooks(Object report) throws JsonProcessingException {
        Outcome o = outcome(report);
        if (settings.webhook() == null || !reportGoesOut(o)) {
            return List.of();
        }
        String body = json.writeValueAsString(new WebhookBody(o.pipeline(), host(), o.status(), o.headline(), ChatText.of(o.text()), o.report()));
        return List.of(new WebhookPost(settings.webhook().toString(), body));
    }

    private synchronized String host() {
        if (hostName == null) {
            hostName = host.get();
        }
        return hostName;
    }

    /**
     * After a mirror pass that did not fail, offsite.notify.heartbeat-url, after one that failed, URL/fail; the same for an
     * image backup with offsite.notify.image-heartbeat-url. Each heartbeat stands for one pipeline: hourly image pings must not
     * hide a mirror that stopped. None for a dry run, a missed window, or a pass skipped by design (no mirror, no success).
     */
    public List<HeartbeatPing> heartbeats(Object report) {
        Outcome o = outcome(report);
        URI url = switch (o.pipeline()) {
            case "image" -> settings.imageHeartbeat();
            case "sync" -> settings.heartbeat();
            default -> null; // the mirror's heartbeat stands for the mirror alone: a monthly copy has none
        };
        boolean skipped = report instanceof SyncReport r && r.skipped();
        if (url == null || o.dryRun() || !o.run() || skipped) {
            return List.of();
        }
        boolean failed = o.status() == RunStatus.FAILED;
        return List.of(new HeartbeatPing((failed ? NotifySettings.failure(url) : url).toString(), failed));
    }

    /**
     * After a report: the reports given up earlier on a channel whose last notification went through (the report just sent
     * proved it works), as late copies, oldest first. A heartbeat is never sent late: the ping is about now.
     */
    public List<Notice> resends() throws IOException {
        return late(false);
    }

    /** At start and every hour: the oldest report given up per channel, as a probe; the rest follow once it went (resends). */
    public List<Notice> oldestUnsent() throws IOException {
        return late(true);
    }

    private List<Notice> late(boolean oldestOnly) throws IOException {
        List<Notice> out = new ArrayList<>();
        if (deliveries == null) {
            return out;
        }
        if (settings.mail() != null) {
            for (LastDeliveries.Unsent u : deliveries.claim("mail", oldestOnly)) {
                out.add(new MailNotice(settings.mail().from(), settings.mail().toHeader(), "[late] " + u.subject(),
                        lateLine(u) + "\n\n" + u.body(), u.givenUp()));
            }
        }
        if (settings.webhook() != null) {
            for (LastDeliveries.Unsent u : deliveries.claim("webhook", oldestOnly)) {
                ObjectNode body = (ObjectNode) json.readTree(u.body());
                body.put("givenUpAt", u.givenUp().toString());
                body.put("text", lateLine(u) + "\n\n" + body.path("text").asText());
                out.add(new WebhookPost(settings.webhook().toString(), json.writeValueAsString(body), u.givenUp()));
            }
        }
        return out;
    }

    private static String lateLine(LastDeliveries.Unsent u) {
        return "Sent late: this report could not be sent at the time (given up " + u.givenUp() + ").";
    }
}
