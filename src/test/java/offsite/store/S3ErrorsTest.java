package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.stream.XMLStreamException;
import org.apache.camel.CamelExecutionException;
import org.apache.http.conn.ConnectTimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What a failure's one-line explanation names, whatever wraps it. */
class S3ErrorsTest {

    static final S3Settings S3 = new S3Settings(URI.create("http://127.0.0.1:9000"), "us-east-1", true, "k", "s", "offsite",
            S3Settings.ChecksumMode.WHEN_REQUIRED, 5, false, false);

    record Case(String name, Throwable failure, String explained) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // issue 5: a 600 MiB mirror failed on "Unexpected end of input block": S3Proxy's disk was full mid-answer
                new Case("an answer cut off mid-XML is the server's failure",
                        SdkClientException.create("Could not parse XML response.",
                                new XMLStreamException("Unexpected end of input block in start tag\n at [row,col]: [1,42]")),
                        "an answer from offsite.s3.endpoint http://127.0.0.1:9000 broke off before its end (Unexpected end of input"
                                + " block in start tag); nothing was taken from it: the connection was cut or the server failed while"
                                + " answering (its log says why; a full disk does this)"),
                // issue 5: "Exception occurred during execution on the exchange: Exchange[]" hid an OutOfMemoryError
                new Case("a Camel wrapper gives way to its root cause",
                        new CamelExecutionException("Exception occurred during execution on the exchange", null,
                                new OutOfMemoryError("Java heap space")),
                        "OutOfMemoryError: Java heap space"),
                new Case("an unwrapped failure keeps its own message",
                        new IllegalStateException("disk read error\nsecond line"), "disk read error"),
                new Case("a local file's failure is not taken for a cut answer",
                        new AccessDeniedException("/srv/set/a.rdb"), "/srv/set/a.rdb"),
                new Case("a request signed for another region than the bucket's names the region to set",
                        s3Error(400, "AuthorizationHeaderMalformed",
                                "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-central-1'"),
                        "offsite.s3.region: bucket 'offsite' is in region eu-central-1, not us-east-1 (set offsite.s3.region=eu-central-1)"),
                new Case("a redirect that names no region points at the endpoint and region settings",
                        s3Error(301, null, null),
                        "S3 answered 301: bucket 'offsite' must be reached through another endpoint: check offsite.s3.endpoint and"
                                + " offsite.s3.region"),
                new Case("a server that took the request and answered nothing is told from one that cannot be reached",
                        SdkClientException.create("Unable to execute HTTP request: Read timed out", new SocketTimeoutException("Read timed out")),
                        "no answer from offsite.s3.endpoint http://127.0.0.1:9000: timed out: the server took the request and answered"
                                + " nothing for 2 minutes (hung, or a proxy or firewall before it) (on each of offsite.s3.max-attempts=5 attempts)"),
                new Case("a connection that could not be made in time cannot reach the server",
                        SdkClientException.create("Unable to execute HTTP request", new ConnectTimeoutException("Connect to 127.0.0.1:9000"
                                + " failed: connect timed out")),
                        "cannot reach offsite.s3.endpoint http://127.0.0.1:9000: the connection timed out (on each of"
                                + " offsite.s3.max-attempts=5 attempts)"),
                new Case("an expired session token names the credentials to check",
                        s3Error(400, "ExpiredToken", "The provided token has expired."),
                        "S3 refused the credentials (ExpiredToken: the session token has expired or is not valid): check"
                                + " offsite.s3.access-key / offsite.s3.secret-key or the AWS default credentials chain (AWS_SESSION_TOKEN,"
                                + " a profile's or the instance's role)"),
                new Case("a HEAD refused 400 with no body and no Date names the session token and the clock, the candidates",
                        s3Error(400, null, "Bad Request"),
                        "S3 refused the request (400, with no reason: a HEAD answer has no body): an expired or not valid session token"
                                + " (check offsite.s3.access-key / offsite.s3.secret-key or the AWS default credentials chain:"
                                + " AWS_SESSION_TOKEN, a profile's or the instance's role), or a host clock more than 15 minutes off the S3"
                                + " service's (set it right: NTP)"),
                new Case("a HEAD refused 403 by a service an hour ahead names the clock, not the credentials",
                        s3Error(403, null, "Forbidden", Map.of("Date", date(Duration.ofMinutes(60).plusSeconds(30)))),
                        "S3 refused the request (403, with no reason: a HEAD answer has no body): the host's clock is 1 h 0 min behind"
                                + " the S3 service's (Date of its answer), more than the 15 minutes a signed request may be off: set the"
                                + " host's clock right (NTP)"),
                new Case("a clock too far off as a listing's error code names the clock",
                        s3Error(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too"
                                + " large.", Map.of("Date", date(Duration.ofDays(-2)))),
                        "S3 refused the request (403 RequestTimeTooSkewed): the host's clock is 2 days 0 h ahead of the S3 service's"
                                + " (Date of its answer), more than the 15 minutes a signed request may be off: set the host's clock right"
                                + " (NTP)"),
                new Case("a HEAD refused 403 with MinIO's error code header names the code",
                        s3Error(403, null, "Forbidden", Map.of("x-minio-error-code", "SignatureDoesNotMatch", "Date", date(Duration.ZERO))),
                        "S3 refused the credentials (SignatureDoesNotMatch): check offsite.s3.access-key / offsite.s3.secret-key or the"
                                + " AWS default credentials chain, and the bucket policy"),
                new Case("an error without a code or message says neither as null",
                        s3Error(500, null, null), "S3 answered 500"));
    }

    static S3Exception s3Error(int status, String code, String message) {
        return s3Error(status, code, message, Map.of());
    }

    static S3Exception s3Error(int status, String code, String message, Map<String, String> headers) {
        SdkHttpResponse.Builder answer = SdkHttpResponse.builder().statusCode(status);
        headers.forEach(answer::putHeader);
        return (S3Exception) S3Exception.builder().statusCode(status).awsErrorDetails(AwsErrorDetails.builder().errorCode(code)
                .errorMessage(message).sdkHttpResponse(answer.build()).build()).build();
    }

    /** A Date header this far after now, as the service's answer would carry it. */
    static String date(Duration ahead) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plus(ahead));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void explains(Case c) {
        assertThat(S3Errors.explain(c.failure(), S3)).isEqualTo(c.explained());
    }
}
