package offsite.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import offsite.config.SettingError;

/**
 * offsite.s3.storage-class: the S3 storage classes whose objects can be read at once, the only ones Offsite stores its
 * data in. Offsite reads its objects back (trash moves copy them, restore-set and verify read chunks, restore-image
 * reads images), so an archive class, whose objects need a restore request and hours first, is refused at start.
 */
public enum StorageClass {
    STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, REDUCED_REDUNDANCY;

    static final String SETTING = "offsite.s3.storage-class";

    /** Why an archive class is refused, after its name. */
    private static final String NOT_READ_AT_ONCE = " objects cannot be read without a restore request first (hours), and Offsite"
            + " reads its objects back: trash moves copy them, restore-set, verify and restore-image read them. A bucket"
            + " lifecycle rule can move what Offsite no longer reads (the trash, retired generations) there";

    /** Classes S3 names that Offsite cannot use, each with the reason it gives. */
    private static final Map<String, String> REFUSED = Map.of(
            "GLACIER", "GLACIER" + NOT_READ_AT_ONCE + "; GLACIER_IR is read at once",
            "DEEP_ARCHIVE", "DEEP_ARCHIVE" + NOT_READ_AT_ONCE,
            "EXPRESS_ONEZONE", "EXPRESS_ONEZONE is the class of S3 Express directory buckets, which give it without the header;"
                    + " a general-purpose bucket refuses it");

    /** The setting's value: null when empty (no x-amz-storage-class header is sent: the service's default class). */
    public static StorageClass parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String name = value.trim().toUpperCase(Locale.ROOT);
        String expected = "empty (the service's default) or one of " + Arrays.stream(values()).map(Enum::name)
                .collect(Collectors.joining(", "));
        if (REFUSED.containsKey(name)) {
            throw new SettingError(SETTING, value, expected + "; " + REFUSED.get(name));
        }
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new SettingError(SETTING, value, expected + ": S3's classes whose objects can be read at once");
        }
    }
}
