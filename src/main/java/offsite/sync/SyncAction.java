package offsite.sync;

/** What a run does with one file or object. */
public enum SyncAction {
    /** on disk, not in the bucket: upload */
    NEW,
    /** on disk and in the bucket with another size or ETag: upload again */
    CHANGED,
    /** same size and ETag: nothing to do */
    UNCHANGED,
    /** in the bucket only: delete when deletions are enabled and allowed */
    REMOTE_ONLY,
    /** still being written: left for a later run, its remote copy untouched */
    DEFERRED,
    /** shrank to nothing or to almost nothing (a broken disk, a truncating program): never sent, its copy kept */
    HELD;

    public boolean uploads() {
        return this == NEW || this == CHANGED;
    }
}
