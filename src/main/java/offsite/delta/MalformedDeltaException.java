package offsite.delta;

import java.io.IOException;

/** A delta stream that is not a valid librsync delta for its basis: the message says what and at which byte. */
public final class MalformedDeltaException extends IOException {

    public MalformedDeltaException(String message) {
        super(message);
    }
}
