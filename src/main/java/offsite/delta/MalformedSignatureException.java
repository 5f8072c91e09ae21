package offsite.delta;

import java.io.IOException;

/** A signature stream that is not a librsync signature, or is cut short. */
public final class MalformedSignatureException extends IOException {

    public MalformedSignatureException(String message) {
        super(message);
    }
}
