package offsite.store;

import java.util.Locale;
import java.util.regex.Pattern;
import offsite.config.SettingError;
import offsite.config.Settings;

/** Reads the offsite.s3.* settings. */
public final class S3SettingsReader {

    /** AWS's region names and those of S3-compatible servers (us-east-1, garage, default): one word, no blanks or slashes. */
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private S3SettingsReader() {
    }

    public static S3Settings from(Settings s) {
        String checksum = s.text("offsite.s3.checksum");
        S3Settings.ChecksumMode mode;
        try {
            mode = S3Settings.ChecksumMode.valueOf(checksum.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SettingError("offsite.s3.checksum", checksum, "WHEN_REQUIRED or WHEN_SUPPORTED");
        }
        String region = s.text("offsite.s3.region");
        if (!REGION.matcher(region).matches()) {
            throw new SettingError("offsite.s3.region", region, "a region name such as us-east-1 or eu-west-1; S3-compatible servers"
                    + " usually take any word");
        }
        return new S3Settings(s.endpoint("offsite.s3.endpoint"), region, s.flag("offsite.s3.path-style"),
                s.optional("offsite.s3.access-key"), s.optional("offsite.s3.secret-key"), s.text("offsite.s3.bucket"), mode,
                s.integer("offsite.s3.max-attempts", 1, 20), s.flag("offsite.s3.create-bucket"),
                s.flag("offsite.s3.sign-payload"), s.flag("offsite.s3.list-recursive"),
                StorageClass.parse(s.text(StorageClass.SETTING)),
                ServerSideEncryption.parse(s.text(ServerSideEncryption.SETTING), s.text(ServerSideEncryption.KEY_SETTING)));
    }
}
