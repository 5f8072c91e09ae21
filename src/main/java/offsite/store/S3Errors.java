package offsite.store;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamException;
import offsite.config.UrlLogin;
import org.apache.http.NoHttpResponseException;
import org.apache.http.conn.ConnectTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns what S3 or the network threw into one line that says what to check; never includes credentials. */
public final class S3Errors {

    private S3Errors() {
    }

    /**
     * Null, or one line when the server began its XML answer and broke it off (Woodstox: "Unexpected end of input
     * block"): the connection was cut, or the server failed while answering (S3Proxy finding its disk full does this).
     */
    public static String cutOffAnswer(Throwable failure, String endpoint) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof XMLStreamException) {
                String detail = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
                return "an answer from " + endpoint + " broke off before its end (" + detail + "); nothing was taken from it: the"
                        + " connection was cut or the server failed while answering (its log says why; a full disk does this)";
            }
        }
        return null;
    }

    /** The same, for a caller that knows no endpoint. */
    public static String cutOffAnswer(Throwable failure) {
        return cutOffAnswer(failure, "the S3 server");
    }

    /**
     * The line of a command that reads the bucket (a restore, verify) when it is not there: nothing to read, so the
     * settings that name it are what to check. consequence: what that means for the command ("nothing to restore").
     */
    public static String missingBucket(S3Settings s3, String consequence) {
        return "offsite.s3.bucket: bucket '" + s3.bucket() + "' does not exist at " + (s3.embedded() ? "the embedded S3 server"
                : UrlLogin.hidden(s3.endpoint().toString())) + ": " + consequence + " (check offsite.s3.bucket and offsite.s3.endpoint)";
    }

    /**
     * Null, or in a few words why a request got no answer at all (no connection, or not a byte of an answer): the store
     * is down, unreachable or hung, rather than refusing. Past the SDK's retries, the next request is likely to fare the same.
     */
    public static String unanswered(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String unanswered = unansweredOne(t);
            if (unanswered != null) {
                return unanswered;
            }
        }
        return null;
    }

    private static String unansweredOne(Throwable t) {
        if (t instanceof UnknownHostException) {
            return "unknown host " + t.getMessage();
        }
        if (t instanceof ConnectException || t instanceof ConnectTimeoutException || connectTimeout(t)) {
            return t instanceof ConnectException ? "connection refused" : "the connection timed out";
        }
        if (t instanceof SocketTimeoutException) {
            // Read timed out, or StallWatchingHttpClient's own words for a body the server stopped taking
            return "Read timed out".equalsIgnoreCase(t.getMessage()) ? "timed out: the server took the request and answered nothing for "
                    + S3ClientFactory.SILENCE.toMinutes() + " minutes (hung, or a proxy or firewall before it)" : "timed out: " + t.getMessage();
        }
        if (t instanceof NoHttpResponseException) {
            // every pooled connection the server had closed: it stopped or restarted, and no new one was taken
            return "the server closed the connection without answering (stopped or restarting?)";
        }
        return null;
    }

    private static boolean connectTimeout(Throwable t) {
        return t instanceof SocketTimeoutException && t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("connect timed out");
    }

    public static String explain(Throwable failure, S3Settings s3) {
        String endpoint = s3.embedded() ? "the embedded S3 server" : "offsite.s3.endpoint " + s3.endpoint();
        String cutOff = cutOffAnswer(failure, endpoint);
        if (cutOff != null) {
            return cutOff;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException s && s.refusedSetting() != null) {
                return s.reason(); // it names the setting and its value, which the service's answer below does not
            }
            if (t instanceof NoSuchBucketException) {
                return "offsite.s3.bucket: bucket '" + s3.bucket() + "' does not exist (create it, or set offsite.s3.create-bucket=true)";
            }
            if (t instanceof S3Exception e && e.awsErrorDetails() != null) {
                String code = e.awsErrorDetails().errorCode() != null ? e.awsErrorDetails().errorCode() : headerCode(e);
                boolean unsaid = code == null && (e.statusCode() == 400 || e.statusCode() == 403); // a HEAD's refusal: no body
                String refused = "S3 refused the request (" + e.statusCode() + (code == null ? ", with no reason: a HEAD answer has no body"
                        : " " + code) + "): ";
                Duration skew = skew(e);
                if ((unsaid || "RequestTimeTooSkewed".equals(code)) && skew != null && skew.abs().compareTo(ServiceClock.SIGNED) > 0) {
                    Duration off = Duration.ofMinutes(Math.round(skew.abs().toSeconds() / 60.0)); // the Date header has whole seconds
                    return refused + "the host's clock is " + ServiceClock.readable(off) + (skew.isNegative() ? " ahead of" : " behind")
                            + " the S3 service's (Date of its answer), more than the " + ServiceClock.SIGNED.toMinutes() + " minutes a"
                            + " signed request may be off: set the host's clock right (NTP)";
                }
                if (unsaid && e.statusCode() == 400 && bucketRegion(e) == null) {
                    // AWS answers a HEAD 400 for an expired or not valid session token, and 403 for a clock too far off
                    return refused + (skew == null ? "an expired or not valid session token (check " + SESSION + "), or a host clock"
                            + " more than " + ServiceClock.SIGNED.toMinutes() + " minutes off the S3 service's (set it right: NTP)"
                            : "an expired or not valid session token: check " + SESSION + " (the host's clock agrees with the S3"
                            + " service's, Date of its answer, so it is not the clock)");
                }
                if (code != null && code.matches("ExpiredToken|InvalidToken|TokenRefreshRequired")) { // AWS answers these 400
                    return "S3 refused the credentials (" + code + ": the session token has expired or is not valid): check"
                            + " offsite.s3.access-key / offsite.s3.secret-key or the AWS default credentials chain (AWS_SESSION_TOKEN,"
                            + " a profile's or the instance's role)";
                }
                // a HEAD answer has no body, so a 403 may come without a code
                if (e.statusCode() == 403 && (code == null || code.matches("InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied|InvalidToken"))) {
                    return "S3 refused the credentials (" + (code == null ? "403 Forbidden" : code) + "): check offsite.s3.access-key"
                            + " / offsite.s3.secret-key or the AWS default credentials chain, and the bucket policy"
                            + ("AccessDenied".equals(code) && s3.encryption() == null ? " (one that refuses writes without encryption needs"
                            + " offsite.s3.server-side-encryption)" : "");
                }
                if (e.statusCode() == 404 && "NoSuchBucket".equals(code)) {
                    return "offsite.s3.bucket: bucket '" + s3.bucket() + "' does not exist (create it, or set offsite.s3.create-bucket=true)";
                }
                String region = bucketRegion(e);
                if (region != null && !region.equals(s3.region())) {
                    return "offsite.s3.region: bucket '" + s3.bucket() + "' is in region " + region + ", not " + s3.region()
                            + " (set offsite.s3.region=" + region + ")";
                }
                if (e.statusCode() == 301 || e.statusCode() == 307) {
                    return "S3 answered " + e.statusCode() + (code == null ? "" : " " + code) + ": bucket '" + s3.bucket()
                            + "' must be reached through another endpoint: check offsite.s3.endpoint and offsite.s3.region";
                }
                String message = e.awsErrorDetails().errorMessage();
                return "S3 answered " + e.statusCode() + (code == null ? "" : " " + code) + (message == null ? "" : ": " + message);
            }
            String unanswered = unansweredOne(t);
            if (unanswered != null) {
                return (t instanceof SocketTimeoutException && !connectTimeout(t) ? "no answer from " : "cannot reach ") + endpoint + ": "
                        + unanswered + " (on each of offsite.s3.max-attempts=" + s3.maxAttempts() + " attempts)";
            }
        }
        if (!local(failure) && S3ClientFactory.answerCutShort(failure)) {
            // told apart from a store that is down: the request got an answer, but not a whole one
            return "an answer from " + endpoint + " broke off before its end (" + rootCause(failure) + "); nothing was taken from it";
        }
        if (failure instanceof SdkClientException && failure.getMessage() != null
                && failure.getMessage().contains("Unable to load credentials")) {
            return "no S3 credentials: set offsite.s3.access-key and offsite.s3.secret-key, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";
        }
        if (failure instanceof UncheckedIOException && local(failure) && failure.getMessage() != null) {
            return failure.getMessage().lines().findFirst().orElse(""); // it names the file and what to do
        }
        return rootCause(failure);
    }


    private static final String SESSION = "offsite.s3.access-key / offsite.s3.secret-key or the AWS default credentials chain:"
            + " AWS_SESSION_TOKEN, a profile's or the instance's role";

    /** The error code a HEAD answer gives in a header, having no body (MinIO's x-minio-error-code); else null. */
    private static String headerCode(S3Exception e) {
        if (e.awsErrorDetails().sdkHttpResponse() == null) {
            return null;
        }
        for (String header : List.of("x-amz-error-code", "x-minio-error-code")) {
            Optional<String> code = e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader(header);
            if (code.isPresent() && code.get().matches("[A-Za-z.]{1,64}")) {
                return code.get();
            }
        }
        return null;
    }

    /** The service's time less the host's, by the Date of the error answer; null when it has none. */
    private static Duration skew(S3Exception e) {
        SdkHttpResponse answer = e.awsErrorDetails().sdkHttpResponse();
        return answer == null ? null : answer.firstMatchingHeader("Date").map(d -> ServiceClock.offset(d, Instant.now())).orElse(null);
    }

    /**
     * The bucket's region as the service names it when asked in another one: AWS's x-amz-bucket-region header (on a 301,
     * and on a HEAD, which has no body), or the region its AuthorizationHeaderMalformed message expects; else null.
     */
    private static String bucketRegion(S3Exception e) {
        if (e.awsErrorDetails().sdkHttpResponse() != null) {
            Optional<String> header = e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region");
            if (header.isPresent() && REGION.matcher(header.get()).matches()) {
                return header.get();
            }
        }
        String message = e.awsErrorDetails().errorMessage();
        Matcher expecting = message == null ? null : EXPECTING.matcher(message);
        return expecting != null && expecting.find() ? expecting.group(1) : null;
    }

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+");
    private static final Pattern EXPECTING = Pattern.compile("expecting '([a-z]{2}(?:-[a-z0-9]+)+)'");

    /** A local file's failure (its path in the message), not an answer from the network. */
    private static boolean local(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FileSystemException) {
                return true;
            }
        }
        return false;
    }

    /** The root cause in a line: a Camel wrapper's own message ("Exception occurred during execution on the exchange") says nothing. */
    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String first = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("");
        String message = root == failure ? (first.isEmpty() ? root.getClass().getSimpleName() : first)
                : root.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }
}
