package offsite.store;

/**
 * A request the bucket refused or could not answer: the operation, the key, and the HTTP status and S3 error code
 * when there was an answer (status 0 when there was none). The SDK's own exception is the cause.
 */
public final class StoreException extends RuntimeException {

    private final String operation;
    private final String key;
    private final int status;
    private final String code;
    private final String reason;
    private final String refusedSetting;

    public StoreException(String operation, String key, int status, String code, String message, Throwable cause) {
        this(operation, key, status, code, message, cause, null);
    }

    /** refusedSetting: the setting whose header the service refused (its storage class, its encryption), else null. */
    public StoreException(String operation, String key, int status, String code, String message, Throwable cause, String refusedSetting) {
        super(operation + (key == null || key.isEmpty() ? "" : " " + key) + ": " + message, cause);
        this.reason = message;
        this.refusedSetting = refusedSetting;
        this.operation = operation;
        this.key = key;
        this.status = status;
        this.code = code == null ? "" : code;
    }

    public String operation() {
        return operation;
    }

    public String key() {
        return key;
    }

    /** The HTTP status of the answer, 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The S3 error code (NoSuchKey, SlowDown, NotImplemented, ...), empty when the answer had none. */
    public String code() {
        return code;
    }

    /** The failure in a line, without the operation and key. */
    public String reason() {
        return reason;
    }

    /**
     * The setting whose header the service refused (offsite.s3.storage-class, offsite.s3.server-side-encryption), or
     * null: such a setting is at fault, not the object, and {@link #reason()} names it and its value.
     */
    public String refusedSetting() {
        return refusedSetting;
    }

    public boolean notFound() {
        return status == 404;
    }

    /**
     * The service does not offer the operation (501 NotImplemented, 405, or 400 InvalidRequest / NotImplemented):
     * an optional one then falls back instead of failing the pass. A refused setting's header is not that: every fallback
     * would send the header again.
     */
    public boolean unsupported() {
        return refusedSetting == null
                && (status == 501 || status == 405 || "NotImplemented".equals(code) || status == 400 && "InvalidRequest".equals(code));
    }
}
