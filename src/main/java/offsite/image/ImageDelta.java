package offsite.image;

import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import offsite.delta.DeltaWriter;
import offsite.delta.Signature;
import offsite.files.Sha256;

/**
 * The librsync delta from the complete image to the tree's base image, in one pass over the tree, with no tar on
 * disk. An entry whose file looks as it did in the complete image (same inode, size, mtime, ctime: see the
 * {@link ImageIndex}) and whose bytes have the SHA-256 the index holds is written as one copy of the complete
 * image's bytes: it is read and hashed, never matched block by block against the signature. Every other entry
 * (changed, added, or a file edited with its times put back) is matched as a whole delta would match it.
 *
 * <p>Each entry is still read once, because the manifest's imageSha256 is the SHA-256 of the whole tar: SHA-256
 * runs through the bytes in order, so the state after an unchanged entry depends on every byte before it, and
 * per-entry digests cannot be combined into it. The hash is taken of exactly the bytes the delta rebuilds (the
 * bytes of a copied entry are the complete image's, shown by their digest), so a restore checks what was meant.
 */
final class ImageDelta {

    /** What the pass did: the image's size and SHA-256, and how its entries were written. */
    record Result(long imageBytes, String imageSha256, ImageTree.Counts counts, int copiedEntries, long copiedBytes,
            int matchedEntries, long matchedBytes) {
    }

    private ImageDelta() {
    }

    /**
     * Writes the delta to out (flushed, not closed). index null: every entry is matched (a full read). progress
     * gets the bytes of the image as they are read.
     */
    static Result write(ImageTree tree, Signature signature, ImageIndex.Reader index, OutputStream out, LongConsumer progress)
            throws IOException {
        DeltaWriter.Session delta = new DeltaWriter(signature).open(out);
        MessageDigest[] image = {Sha256.digest()};
        MessageDigest entry = Sha256.digest();
        long[] totals = new long[3]; // position, bytes copied, bytes matched
        int[] entries = new int[2]; // copied, matched
        ImageTree.Counts counts = tree.visit(false, p -> {
            ImageIndex.Entry old = index == null ? null : index.find(p.name());
            if (old != null && old.length() == p.length() && (!p.entry().isFile() || old.sameFile(p.status()))) {
                MessageDigest before = clone(image[0]);
                OutputStream hashed = counted(new DigestOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), entry), image[0]), progress);
                hashed.write(p.header());
                boolean changed = tree.writeData(p, hashed);
                if (old.sameBytes(entry.digest())) {
                    delta.copy(old.offset(), old.length());
                    entries[0]++;
                    totals[1] += p.length();
                    totals[0] += p.length();
                    return changed;
                }
                image[0] = before; // its bytes differ after all: hashed again below as they are matched
            }
            OutputStream matched = counted(new DigestOutputStream(delta.data(), image[0]), progress);
            matched.write(p.header());
            boolean changed = tree.writeData(p, matched);
            entries[1]++;
            totals[2] += p.length();
            totals[0] += p.length();
            return changed;
        });
        if (index != null) {
            index.verify(); // before the delta is used: a damaged index fails the pass, which is then made without it
        }
        byte[] end = TarHeaders.end(totals[0]);
        image[0].update(end);
        delta.data().write(end);
        delta.finish();
        progress.accept(end.length);
        return new Result(totals[0] + end.length, HexFormat.of().formatHex(image[0].digest()), counts, entries[0], totals[1],
                entries[1], totals[2]);
    }

    private static MessageDigest clone(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static OutputStream counted(OutputStream out, LongConsumer progress) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                progress.accept(len);
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                progress.accept(1);
            }
        };
    }
}
