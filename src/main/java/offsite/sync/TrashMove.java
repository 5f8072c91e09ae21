package offsite.sync;

/**
 * Moving one object out of the mirror: copied to trashKey, then deleted from key. Planned as trash/DAY/KEY; the move as
 * made names the key it went to, beside an earlier copy of the day when that one is there ({@link TrashKeys}).
 */
public record TrashMove(String key, String trashKey, long size) {
}
