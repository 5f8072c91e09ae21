package offsite.activity;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
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
 * activity log: each attempt with an answer (so retried 503s show), and a failure that got no answer at all.
 * The pipeline is told by the key's prefix. Records status codes and SDK error texts, never headers.
 */
public final class ActivityRecorder implements ExecutionInterceptor {

    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("offsite.started");
    /** Set while an attempt waits for its answer: still set at the next attempt, that one got none. */
    private static final ExecutionAttribute<Boolean> AWAITING = new ExecutionAttribute<>("offsite.awaiting");

    private final ActivityLog log;
    /** Longest prefix first: a key belongs to the pipeline of the longest prefix it starts with. */
    private final List<Map.Entry<String, String>> pipelineByPrefix;

    public ActivityRecorder(ActivityLog log, Map<String, String> pipelineByPrefix) {
        this.log = log;
        this.pipelineByPrefix = pipelineByPrefix.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue()))
                .sorted(Comparator.comparing((Map.Entry<String, String> e) -> e.getKey().length()).reversed()).toList();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(AWAITING))) {
            // the SDK retried an attempt that got no answer (a refused or broken connection): no hook tells it otherwise
            record(context.request(), attributes, length(context.httpRequest()), 0, "error: no answer, retried");
        }
        attributes.putAttribute(STARTED, System.nanoTime());
        attributes.putAttribute(AWAITING, true);
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(AWAITING, false);
        record(context.request(), attributes, length(context.httpRequest()), length(context.httpResponse()),
                String.valueOf(context.httpResponse().statusCode()));
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (context.httpResponse().isPresent()) {
            return; // its answer was recorded with the attempt
        }
        long sent = context.httpRequest().map(ActivityRecorder::length).orElse(0L);
        record(context.request(), attributes, sent, 0, "error: " + firstLine(context.exception().getMessage()));
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
        for (Map.Entry<String, String> prefix : pipelineByPrefix) {
            if (key.startsWith(prefix.getKey())) {
                return prefix.getValue();
            }
        }
        return "other";
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
