package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A host clock days off the S3 service's (a dead RTC battery, NTP gone wrong), shown to the app by moving the Date
 * header of the service's answers: what is decided about remote data goes by the service's time, so the trash is not
 * purged early and another host's lease is not taken before it ends.
 */
class WrongHostClockTest {

    private static final Duration FORTY_DAYS = Duration.ofDays(40);

    @TempDir
    Path dir;

    OffsiteHarness app;
    FaultProxy proxy;

    @BeforeEach
    void start() throws Exception {
        app = new OffsiteHarness(dir);
        proxy = new FaultProxy(app.s3.endpoint().getPort());
        app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port()).set("offsite.sync.trash-days", "30");
        app.write("Members/AA000001.rdb", 4096, 1);
        app.write("Set A.rbc", 999, 2);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        app.close();
    }

    private void putObject(String key, String content) {
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(key), RequestBody.fromString(content));
    }

    @Test
    void a_head_refused_400_without_a_body_names_the_session_token_and_the_clock_as_what_to_check() {
        // AWS answers a HEAD signed with an expired session token 400, with no body to say why
        proxy.refuse(r -> r.method().equals("HEAD"), 400, "ExpiredToken");

        SyncReport report = app.sync();

        // was: "S3 answered 400: Bad Request" ("Injected", the proxy's reason phrase, here), where a listing names the token
        assertThat(report.reason()).isEqualTo("S3 refused the request (400, with no reason: a HEAD answer has no body): an expired or"
                + " not valid session token: check offsite.s3.access-key / offsite.s3.secret-key or the AWS default credentials chain:"
                + " AWS_SESSION_TOKEN, a profile's or the instance's role (the host's clock agrees with the S3 service's, Date of its"
                + " answer, so it is not the clock)");
        assertThat(report.text()).doesNotContain(app.s3.secretKey());
    }

    @Test
    void a_head_refused_400_with_the_host_clock_an_hour_slow_names_the_clock() {
        proxy.serviceClockOff(Duration.ofHours(1));
        proxy.refuse(r -> r.method().equals("HEAD"), 400, "RequestTimeTooSkewed");

        SyncReport report = app.sync();

        assertThat(report.reason()).isEqualTo("S3 refused the request (400, with no reason: a HEAD answer has no body): the host's"
                + " clock is 1 h 0 min behind the S3 service's (Date of its answer), more than the 15 minutes a signed request may be"
                + " off: set the host's clock right (NTP)");
    }

    @Test
    void a_host_clock_days_fast_purges_nothing_from_the_trash_early() {
        proxy.serviceClockOff(FORTY_DAYS.negated());
        String monthOld = LocalDate.now(ZoneOffset.UTC).minusDays(31) + "/sets/Members/AA000009.rdb";
        String recent = LocalDate.now(ZoneOffset.UTC).minusDays(29) + "/sets/Members/AA000008.rdb";
        for (String key : List.of(monthOld, recent)) {
            putObject("trash/" + key, "a copy");
        }

        SyncReport report = app.sync();

        assertThat(report.trashPurged()).as("by the service's clock the copies are 9 days old at most").isZero();
        assertThat(app.bucketFiles("trash/")).containsOnlyKeys(monthOld, recent);
    }

    @Test
    void a_host_clock_days_slow_files_deletions_under_the_services_day() throws Exception {
        proxy.serviceClockOff(FORTY_DAYS);
        app.sync();
        Files.delete(app.source.resolve("Set A.rbc"));

        LocalDate before = LocalDate.now(ZoneOffset.UTC).plusDays(FORTY_DAYS.toDays());
        SyncReport report = app.set("offsite.sync.delete", "true").sync();
        LocalDate after = LocalDate.now(ZoneOffset.UTC).plusDays(FORTY_DAYS.toDays());

        assertThat(report.deleted().files()).isEqualTo(1);
        assertThat(app.bucketFiles("trash/").keySet()).singleElement()
                .isIn(before + "/sets/Set A.rbc", after + "/sets/Set A.rbc");
        assertThat(report.trashPurged()).as("the host's own clock keeps the copy dated 40 days ahead").isZero();
    }

    @Test
    void a_host_clock_days_fast_leaves_another_hosts_lease_alone_until_it_ends() {
        proxy.serviceClockOff(FORTY_DAYS.negated());
        Instant serviceNow = Instant.now().minus(FORTY_DAYS);
        putObject("sets.lease.json", "{\"host\":\"other-host\",\"pid\":1,\"pass\":\"4e1f0c2a\",\"started\":\"" + serviceNow
                + "\",\"expires\":\"" + serviceNow.plus(Duration.ofHours(1)) + "\"}");

        SyncReport report = app.sync();

        assertThat(report.headline()).contains("another pass is mirroring to this prefix: host other-host");
        assertThat(app.bucketFiles("sets/")).as("nothing mirrored beside the other host's pass").isEmpty();
    }
}
