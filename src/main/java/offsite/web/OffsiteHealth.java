package offsite.web;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** A Camel health check (at /observe/health) from a probe that returns null when all is well, else the problem. */
public final class OffsiteHealth extends AbstractHealthCheck {

    private final Supplier<String> problem;

    public OffsiteHealth(String id, Supplier<String> problem) {
        super("offsite", id);
        this.problem = problem;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String why = problem.get();
        if (why == null) {
            builder.up();
        } else {
            builder.message(why).down();
        }
    }
}
