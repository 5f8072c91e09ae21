package offsite.sync;

/** Moving one object out of the mirror: copied to trashKey, then deleted from key. */
public record TrashMove(String key, String trashKey, long size) {
}
