package offsite.web;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Which keys the download link may serve: only objects of Offsite's own prefixes. */
public final class WebPaths {

    private final List<String> prefixes;
    private final Pattern generations;

    /** prefixes: the mirror's, the trash's, the images'; generationStem: later generations' PREFIX.gN/ (N a number). */
    public WebPaths(List<String> prefixes, String generationStem) {
        this.prefixes = List.copyOf(prefixes);
        this.generations = Pattern.compile(Pattern.quote(generationStem) + "\\d+/.*", Pattern.DOTALL);
    }

    /**
     * Whether the request's key parameter, read from its headers as sent (the key S3 is then asked for), is downloadable:
     * as a value in the method's signature Camel would strip its enclosing quotes and judge another key.
     */
    public boolean downloadableRequest(Map<String, Object> request) {
        return downloadable(PageQuery.parameter(request, "key"));
    }

    public boolean downloadable(String key) {
        if (key == null || key.contains("..")) {
            return false;
        }
        return prefixes.stream().anyMatch(key::startsWith) || generations.matcher(key).matches();
    }
}
