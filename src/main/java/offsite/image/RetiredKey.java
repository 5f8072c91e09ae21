package offsite.image;

/** A key retention deletes, as the image route's delete step takes it; deleted runs once the bucket no longer holds it. */
public record RetiredKey(String key, Runnable deleted) {
}
