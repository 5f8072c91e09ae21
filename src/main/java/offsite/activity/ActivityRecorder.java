package offsite.activity;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpHeaders;

/**
 * Sits on the one S3Client, so every request of every pipeline, the Camel component's included, lands in the
 * activity log. The pipeline is told by the key's prefix. Records status codes and SDK error texts, never headers.
 */
public final class ActivityRecorder implements ExecutionInterceptor {

    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("offsite.started");

    private final ActivityLog log;
    private final Map<String, String> pipelineByPrefix;

    public ActivityRecorder(ActivityLog log, Map<String, String> pipelineByPrefix) {
        this.log = log;
        this.pipelineByPrefix = Map.copyOf(pipelineByPrefix);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(context.request(), attributes, length(context.httpRequest()), length(context.httpResponse()),
                String.valueOf(context.httpResponse().statusCode()));
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        String outcome = context.httpResponse().map(r -> String.valueOf(r.statusCode())).orElse("error") + ": "
                + firstLine(context.exception().getMessage());
        long sent = context.httpRequest().map(ActivityRecorder::length).orElse(0L);
        record(context.request(), attributes, sent, 0, outcome);
    }

    private void record(SdkRequest request, ExecutionAttributes attributes, long sent, long received, String outcome) {
        Long started = attributes.getAttribute(STARTED);
        long millis = started == null ? 0 : (System.nanoTime() - started) / 1_000_000;
        String key = request.getValueForField("Key", String.class)
                .or(() -> request.getValueForField("Prefix", String.class)).orElse("");
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        log.append(new Activity(Instant.now(), pipelineOf(key), operation, key, sent, received, millis, outcome));
    }

    private String pipelineOf(String key) {
        return pipelineByPrefix.entrySet().stream().filter(e -> key.startsWith(e.getKey()))
                .max(Map.Entry.comparingByKey((a, b) -> Integer.compare(a.length(), b.length())))
                .map(Map.Entry::getValue).orElse("other");
    }

    private static long length(SdkHttpHeaders headers) {
        return headers.firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(0L);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
