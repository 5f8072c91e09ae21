package offsite.store;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns what S3 or the network threw into one line that says what to check; never includes credentials. */
public final class S3Errors {

    private S3Errors() {
    }

    public static String explain(Throwable failure, S3Settings s3) {
        String endpoint = s3.embedded() ? "the embedded S3 server" : "offsite.s3.endpoint " + s3.endpoint();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NoSuchBucketException) {
                return "offsite.s3.bucket: bucket '" + s3.bucket() + "' does not exist (create it, or set offsite.s3.create-bucket=true)";
            }
            if (t instanceof S3Exception e && e.awsErrorDetails() != null) {
                String code = e.awsErrorDetails().errorCode();
                // a HEAD answer has no body, so a 403 may come without a code
                if (e.statusCode() == 403 && (code == null || code.matches("InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied|InvalidToken"))) {
                    return "S3 refused the credentials (" + (code == null ? "403 Forbidden" : code) + "): check offsite.s3.access-key"
                            + " / offsite.s3.secret-key or the AWS default credentials chain, and the bucket policy";
                }
                if (e.statusCode() == 404 && "NoSuchBucket".equals(code)) {
                    return "offsite.s3.bucket: bucket '" + s3.bucket() + "' does not exist (create it, or set offsite.s3.create-bucket=true)";
                }
                return "S3 answered " + e.statusCode() + " " + code + ": " + e.awsErrorDetails().errorMessage();
            }
            if (t instanceof UnknownHostException) {
                return "cannot reach " + endpoint + ": unknown host " + t.getMessage();
            }
            if (t instanceof ConnectException) {
                return "cannot reach " + endpoint + ": connection refused";
            }
            if (t instanceof SocketTimeoutException) {
                return "cannot reach " + endpoint + ": timed out";
            }
        }
        if (S3ClientFactory.answerCutShort(failure)) {
            // told apart from a store that is down: the request got an answer, but not a whole one
            return "an answer from " + endpoint + " broke off before its end (" + firstLine(failure) + "); nothing was taken from it";
        }
        if (failure instanceof SdkClientException && failure.getMessage() != null
                && failure.getMessage().contains("Unable to load credentials")) {
            return "no S3 credentials: set offsite.s3.access-key and offsite.s3.secret-key, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";
        }
        return firstLine(failure);
    }

    private static String firstLine(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage().lines().findFirst().orElse("");
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }
}
