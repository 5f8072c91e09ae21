package offsite.web;

import java.util.List;
import java.util.Map;

/**
 * The query parameters of a request to the page or /api, each as it was sent (null: absent). Read from the request's
 * headers map, not as values in a bean method's signature, where Camel takes "null" for none and strips enclosing quotes.
 */
record PageQuery(String pipeline, String operation, String prefix, String search, String after) {

    /** headers: the request's, as Camel's HTTP consumer sets them (a parameter sent twice: the first). */
    static PageQuery of(Map<String, Object> headers) {
        return new PageQuery(parameter(headers, "pipeline"), parameter(headers, "operation"), parameter(headers, "prefix"),
                parameter(headers, "search"), parameter(headers, "after"));
    }

    /** One parameter of a request's headers as sent; null when absent. */
    static String parameter(Map<String, Object> headers, String name) {
        Object value = headers.get(name);
        if (value instanceof List<?> values) {
            value = values.isEmpty() ? null : values.get(0);
        }
        return value == null ? null : value.toString();
    }
}
