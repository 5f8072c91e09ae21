package offsite.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import offsite.store.Bucket;
import offsite.store.StoreException;

/**
 * The manifests a restore goes by, checked against their signatures (PREFIX/ID/manifest.json.asc, stored before the
 * manifest). With a verify key, the chosen backup's manifest and, for a diff, its complete image's are read again from
 * the bucket, their signatures checked over those exact bytes, and those bytes are the manifests the restore uses: a
 * manifest, signature or id changed in the bucket refuses the restore before anything is downloaded or written.
 * Without one, each line says the signature was not checked, and whether there is one.
 */
public final class SignedManifests {

    /** A manifest is a few kilobytes, a signature under one: a larger object is refused rather than read into memory. */
    private static final int MAX_MANIFEST = 16 << 20;
    private static final int MAX_SIGNATURE = 64 << 10;

    /** The manifests the restore takes (the chosen backup first, then its complete image), and the lines to print. */
    public record Checked(ImageManifest chosen, List<ImageManifest> manifests, List<String> lines) {
    }

    private final Bucket bucket;
    private final String prefix;
    private final VerifyKey key;

    /** key: null when neither offsite.image.verify-key nor --verify-key is given. */
    public SignedManifests(Bucket bucket, String prefix, VerifyKey key) {
        this.bucket = bucket;
        this.prefix = prefix;
        this.key = key;
    }

    /** Whether signatures are checked: a verify key was given. */
    public boolean checks() {
        return key != null;
    }

    /** The same, checking against another key (restore-image --verify-key). */
    public SignedManifests with(VerifyKey other) {
        return new SignedManifests(bucket, prefix, other);
    }

    /**
     * The chosen backup's manifest and, for a diff, its complete image's, each checked; a refusal names backup, key and
     * setting. Without a key, one line says the signatures were not checked and which manifests have one.
     */
    public Checked check(List<ImageManifest> known, ImageManifest chosen) throws IOException {
        List<ImageManifest> chain = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        ImageManifest checked = one(chosen.id(), chosen, lines);
        chain.add(checked);
        if (!checked.full()) {
            ImageManifest base = known.stream().filter(m -> m.id().equals(checked.base())).findFirst().orElse(null);
            if (base != null || key != null) { // a missing base is ImageRestore's to name; with a key, the bucket's copy decides
                chain.add(one(checked.base(), base, lines));
            }
        }
        if (key == null) {
            lines = List.of("note: the manifest's signature was not checked (no offsite.image.verify-key or --verify-key): "
                    + String.join("; ", lines));
        }
        return new Checked(checked, List.copyOf(chain), List.copyOf(lines));
    }

    private ImageManifest one(String id, ImageManifest listed, List<String> lines) throws IOException {
        String manifestKey = prefix + id + "/manifest.json";
        String signatureKey = manifestKey + ".asc";
        if (key == null) {
            String which = lines.isEmpty() ? "backup " + id : "its complete image " + id;
            lines.add(bucket.head(signatureKey).isPresent() ? which + " has one (" + signatureKey + ")"
                    : which + " has none (no " + signatureKey + ")");
            return listed;
        }
        byte[] manifest = read(manifestKey, MAX_MANIFEST, id);
        byte[] signature = read(signatureKey, MAX_SIGNATURE, id);
        if (manifest == null) {
            throw refused(id, manifestKey, "it is not in the bucket");
        }
        if (signature == null) {
            throw refused(id, signatureKey, "it is not in the bucket: the manifest is unsigned");
        }
        String signer;
        try {
            signer = key.check(manifest, signature);
        } catch (VerifyKey.Refused e) {
            throw refused(id, signatureKey, e.getMessage());
        }
        ImageManifest parsed;
        try {
            parsed = ImageManifest.parse(manifest, manifestKey);
        } catch (IllegalArgumentException e) {
            throw refused(id, manifestKey, e.getMessage());
        }
        if (!parsed.id().equals(id)) { // a signed manifest of another backup copied here
            throw refused(id, manifestKey, "it is signed, but it is the manifest of backup " + parsed.id());
        }
        lines.add("backup " + id + ": manifest signed by " + signer + ": good");
        return parsed;
    }

    /** The object's bytes, null when it is not in the bucket. */
    private byte[] read(String objectKey, int max, String id) throws IOException {
        try (InputStream in = bucket.get(objectKey, 0)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw refused(id, objectKey, "it is larger than " + max + " bytes, far beyond any made here");
            }
            return bytes;
        } catch (StoreException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    private IOException refused(String id, String objectKey, String why) {
        return new IOException("backup " + id + " refused: " + objectKey + ": " + why + "; " + key.source() + " requires a good"
                + " signature by that key on every manifest restored (the backup's own, and its complete image's for a diff): nothing"
                + " was restored (an older backup whose signatures are good: --id ID or --at TIME)");
    }
}
