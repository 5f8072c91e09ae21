package offsite.image;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import offsite.store.Bucket;
import offsite.store.RemoteObject;

/**
 * A backup folder (PREFIX/ID/) claimed by one host before its upload, so two hosts sharing the prefix that start in the
 * same millisecond never write one folder: each puts an empty claim object and lists the folder again, and keeps it only
 * when its claim is all the folder holds. Two claims at once see each other (a listing after a PUT shows it), so both
 * give way and try the next millisecond; neither can keep it while the other does. The claim is deleted once the
 * backup's manifest is stored.
 */
final class FolderClaim {

    private static final String NAME = "claimed-by-";

    private FolderClaim() {
    }

    /** The claim object's key of host in folder (ending in '/'). */
    static String key(String folder, String host) {
        return folder + NAME + host;
    }

    /** Whether host now holds folder; false when it holds anything else, left as it was. */
    static boolean claim(Bucket bucket, String folder, String host) {
        if (!bucket.list(folder).isEmpty()) {
            return false; // another backup's objects, or its claim: the cheap answer, with no claim left behind
        }
        String mine = key(folder, host);
        bucket.put(mine, Bucket.Body.of(new byte[0]), null, Map.of(), Bucket.Kind.STATE);
        List<RemoteObject> now = bucket.list(folder);
        if (now.size() == 1 && now.get(0).key().equals(mine)) {
            return true;
        }
        bucket.delete(mine);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 50)); // two hosts that gave way together part before the next try
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
