package offsite.image;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
        ExecutorService helper = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "image-entry-digest");
            t.setDaemon(true);
            return t;
        });
        try {
            return new Pass(tree, new DeltaWriter(signature).open(out), index, progress, helper).run();
        } finally {
            helper.shutdownNow();
        }
    }

    /** One pass over the tree: the image's digest, the counts, the delta so far. */
    private static final class Pass {
        private final ImageTree tree;
        private final DeltaWriter.Session delta;
        private final ImageIndex.Reader index;
        private final LongConsumer progress;
        private final MessageDigest entry = Sha256.digest();
        private final TwoDigests both;
        private MessageDigest image = Sha256.digest();
        private long position;
        private long copiedBytes;
        private long matchedBytes;
        private int copied;
        private int matched;

        Pass(ImageTree tree, DeltaWriter.Session delta, ImageIndex.Reader index, LongConsumer progress, ExecutorService helper) {
            this.tree = tree;
            this.delta = delta;
            this.index = index;
            this.progress = progress;
            this.both = new TwoDigests(entry, helper);
        }

        Result run() throws IOException {
            ImageTree.Counts counts = tree.visit(false, this::entry);
            if (index != null) {
                index.verify(); // before the delta is used: a damaged index fails the pass, which is then made without it
            }
            byte[] end = TarHeaders.end(position);
            image.update(end);
            delta.data().write(end);
            delta.finish();
            progress.accept(end.length);
            return new Result(position + end.length, HexFormat.of().formatHex(image.digest()), counts, copied, copiedBytes, matched,
                    matchedBytes);
        }

        /** Copies the entry when the index shows it unchanged and its bytes agree, else matches it; true if it changed while read. */
        private boolean entry(ImageTree.Planned p) throws IOException {
            position += p.length();
            ImageIndex.Entry old = index == null ? null : index.find(p.name());
            if (old != null && old.length() == p.length() && (!p.entry().isFile() || old.sameFile(p.status()))) {
                MessageDigest before = ImageDelta.clone(image);
                OutputStream hashed = counted(both.to(image), progress);
                hashed.write(p.header());
                boolean changed = tree.writeData(p, hashed);
                hashed.flush();
                if (old.sameBytes(entry.digest())) {
                    delta.copy(old.offset(), old.length());
                    copied++;
                    copiedBytes += p.length();
                    return changed;
                }
                image = before; // its bytes differ after all: hashed again below as they are matched
            }
            OutputStream data = counted(new DigestOutputStream(delta.data(), image), progress);
            data.write(p.header());
            boolean changed = tree.writeData(p, data);
            matched++;
            matchedBytes += p.length();
            return changed;
        }
    }

    /**
     * Bytes gathered into 1 MiB pieces, each hashed into the image's digest here and into the entry's on a helper
     * thread at the same time: two SHA-256 of the same bytes take the time of one where a second core is free. The
     * piece buffer is made once per pass; {@link #to} points it at the image digest of the moment.
     */
    private static final class TwoDigests extends OutputStream {
        private final byte[] piece = new byte[1 << 20];
        private final MessageDigest entry;
        private final ExecutorService helper;
        private MessageDigest image;
        private int filled;

        TwoDigests(MessageDigest entry, ExecutorService helper) {
            this.entry = entry;
            this.helper = helper;
        }

        TwoDigests to(MessageDigest imageDigest) {
            this.image = imageDigest;
            this.filled = 0;
            return this;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, piece.length - filled);
                System.arraycopy(b, off, piece, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == piece.length) {
                    flush();
                }
            }
        }

        /** Hashes what is gathered; both digests then hold every byte written. */
        @Override
        public void flush() throws IOException {
            if (filled < (64 << 10)) {
                image.update(piece, 0, filled);
                entry.update(piece, 0, filled);
            } else {
                int n = filled;
                Future<?> there = helper.submit(() -> entry.update(piece, 0, n));
                image.update(piece, 0, n);
                try {
                    there.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while hashing");
                } catch (ExecutionException e) {
                    throw new IllegalStateException("hashing an entry failed", e.getCause());
                }
            }
            filled = 0;
        }
    }

    private static MessageDigest clone(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static OutputStream counted(OutputStream out, LongConsumer progress) {
        return new FilterOutputStream(out) {
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
