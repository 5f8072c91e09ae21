package offsite.store;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Sends small bodies without "Expect: 100-continue": waiting for the server's go-ahead costs a round trip per PUT,
 * which for a body of a few KiB is most of the request, while a refusal (a wrong key, a missing bucket) wastes no
 * more than the body itself. Large bodies keep it, so a refused 600 MB part is not sent for nothing.
 */
final class SmallBodiesWithoutContinue implements ExecutionInterceptor {

    /** Bodies up to this size go without waiting for 100 Continue. */
    static final long SMALL = 1L << 20;

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        SdkHttpRequest request = context.httpRequest();
        if (request.firstMatchingHeader("Expect").isEmpty()) {
            return request;
        }
        long length = request.firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(Long.MAX_VALUE);
        return length <= SMALL ? request.toBuilder().removeHeader("Expect").build() : request;
    }
}
