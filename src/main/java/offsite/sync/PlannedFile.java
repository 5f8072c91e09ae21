package offsite.sync;

import offsite.store.RemoteObject;

/** One line of the plan: the action for a key, why, and the local file and remote object it compares. */
public record PlannedFile(SyncAction action, String key, long size, String reason, LocalFile local, RemoteObject remote) {

    public PlannedFile {
        if (action == null || key == null || reason == null) {
            throw new IllegalArgumentException("a planned file needs an action, a key and a reason");
        }
    }

    public String name() {
        return local != null ? local.relativePath() : key;
    }
}
