package offsite.web;

/** Which keys the download link may serve: only objects of Offsite's own prefixes. */
public final class WebPaths {

    private final String[] prefixes;

    public WebPaths(String... prefixes) {
        this.prefixes = prefixes.clone();
    }

    public boolean downloadable(String key) {
        if (key == null || key.contains("..")) {
            return false;
        }
        for (String p : prefixes) {
            if (key.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
