package offsite.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Every log line of the JVM while open (Offsite's and every library's), as formatted, for tests that read the log. */
public final class LogLines implements AutoCloseable {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogLines() {
        appender.start();
        root().addAppender(appender);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** The lines so far, "LEVEL message" each, with the stack trace's messages of any exception. */
    public synchronized List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : " | " + e.getThrowableProxy().getClassName() + ": "
                    + e.getThrowableProxy().getMessage())).toList();
        }
    }

    @Override
    public void close() {
        root().detachAppender(appender);
    }
}
