package offsite.image;

/**
 * Whether the complete image the local state names can still be the base of a diff: its manifest must be in the
 * bucket, be a complete image, and be this host's (a manifest of another host's under that id is another machine).
 * A diff against a complete image that fails this could never be restored.
 */
final class CompleteImageInBucket {

    private CompleteImageInBucket() {
    }

    /**
     * Why the manifest at key (found: null when the bucket has none) cannot be the base of this host's next diff, in
     * one line naming the key; null when it can. A manifest naming no host (made before hosts were named) passes.
     */
    static String problem(String key, ImageManifest found, String host) {
        if (found == null) {
            return key + " is not in the bucket (deleted by hand or by a lifecycle rule?)";
        }
        if (!found.full()) {
            return key + " is a diff, not a complete image";
        }
        if (found.host() != null && !found.host().equals(host)) {
            return key + " is host " + found.host() + "'s backup, not " + host + "'s (two hosts wrote one backup id?)";
        }
        return null;
    }
}
