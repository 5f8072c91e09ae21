package offsite.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The S3 service's time, as the Date header of its answers tells it, for what is decided about remote data (the trash's
 * day folders and its purge, generation retirement, leases): a host clock that is days out must
 * neither purge the trash early nor take another host's lease. Within {@link #TOLERATED} of the host's clock, or before
 * any answer has come, it is the host's clock.
 */
public final class ServiceClock extends Clock {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceClock.class);
    /** SigV4 itself tolerates 15 minutes; a gap this small is the Date header's second and the request's time. */
    static final Duration TOLERATED = Duration.ofMinutes(5);
    /** How far a SigV4-signed request's time may be off the service's: beyond it, every request is refused. */
    static final Duration SIGNED = Duration.ofMinutes(15);

    private final Clock host;
    /** The service's time less the host's: zero while the two agree within TOLERATED; shared with zoned copies. */
    private final AtomicReference<Duration> ahead;

    public ServiceClock(Clock host) {
        this(host, new AtomicReference<>(Duration.ZERO));
    }

    private ServiceClock(Clock host, AtomicReference<Duration> ahead) {
        this.host = host;
        this.ahead = ahead;
    }

    @Override
    public Instant instant() {
        return host.instant().plus(ahead.get());
    }

    /** The earlier of the service's time and the host's: what is old enough to delete is judged by this. */
    public Instant earlier() {
        Instant hostNow = host.instant();
        Duration serviceAhead = ahead.get();
        return serviceAhead.isNegative() ? hostNow.plus(serviceAhead) : hostNow;
    }

    /** The service's time less the host's, as last measured beyond the tolerance (zero otherwise). */
    public Duration ahead() {
        return ahead.get();
    }

    /** Takes the service's time from an answer's Date header (RFC 1123); a header that does not parse is ignored. */
    void learn(String dateHeader) {
        Duration measured = offset(dateHeader, host.instant());
        if (measured == null) {
            return;
        }
        Duration next = measured.abs().compareTo(TOLERATED) > 0 ? measured : Duration.ZERO;
        Duration before = ahead.getAndSet(next);
        if (next.minus(before).abs().compareTo(TOLERATED) > 0) {
            if (next.isZero()) {
                LOG.info("the host's clock agrees with the S3 service's again (Date of its answers)");
            } else {
                LOG.warn("the host's clock is {} {} the S3 service's (Date of its answers: {}): the trash, retirements and leases"
                        + " go by the service's time, image backups by the host's; set the host's clock right (NTP)",
                        readable(next.abs()), next.isNegative() ? "ahead of" : "behind", dateHeader.trim());
            }
        }
    }

    /** The interceptor that teaches this clock: add it to the one S3Client. */
    public ExecutionInterceptor dateHeaders() {
        return new ExecutionInterceptor() {
            /** The Date last read: it changes once a second, so the thousands of answers in between are not parsed. */
            private volatile String lastDate;

            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
                String date = context.httpResponse().firstMatchingHeader("Date").orElse(null);
                if (date != null && !date.equals(lastDate)) {
                    lastDate = date;
                    learn(date);
                }
            }
        };
    }

    /** The service's time less the host's, from an answer's Date header (RFC 1123); null when there is none or it does not parse. */
    static Duration offset(String dateHeader, Instant hostNow) {
        try {
            return Duration.between(hostNow, ZonedDateTime.parse(dateHeader.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException | NullPointerException notADate) {
            return null;
        }
    }

    static String readable(Duration d) {
        return d.toDays() > 0 ? d.toDays() + " days " + d.toHoursPart() + " h" : d.toHours() + " h " + d.toMinutesPart() + " min";
    }

    @Override
    public ZoneId getZone() {
        return host.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new ServiceClock(host.withZone(zone), ahead);
    }
}
