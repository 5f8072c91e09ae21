package offsite.delta;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** A basis and a new file made from a seed: the edit patterns a delta must handle. */
record GeneratedPair(String name, byte[] basis, byte[] newFile) {

    @Override
    public String toString() {
        return name + " (" + basis.length + " -> " + newFile.length + " bytes)";
    }

    static List<GeneratedPair> all() {
        byte[] random = random(1, 300_000);
        byte[] text = tarLikeText(2, 250_000);
        return List.of(
                new GeneratedPair("identical", random, random),
                new GeneratedPair("scattered edits", random, edited(random, 3)),
                new GeneratedPair("tar-like text edits", text, edited(text, 4)),
                new GeneratedPair("shifted by an insert at the front", random, concat(random(5, 777), random)),
                new GeneratedPair("front deleted", random, Arrays.copyOfRange(random, 12_345, random.length)),
                new GeneratedPair("blocks reordered", random, concat(Arrays.copyOfRange(random, 150_000, 300_000),
                        Arrays.copyOfRange(random, 0, 150_000))),
                new GeneratedPair("unrelated", random(6, 100_000), random(7, 120_000)),
                new GeneratedPair("repeated blocks", repeated(8), concat(repeated(8), new byte[70_000], repeated(9))),
                new GeneratedPair("empty basis", new byte[0], random(10, 100_000)),
                new GeneratedPair("empty new file", random(11, 10_000), new byte[0]),
                new GeneratedPair("both empty", new byte[0], new byte[0]),
                new GeneratedPair("new file smaller than a block", random, Arrays.copyOfRange(random, 1000, 1100)),
                new GeneratedPair("basis smaller than a block", random(12, 100), concat(random(12, 100), random(13, 50))),
                new GeneratedPair("blocks with equal rollsums", concat(collidingBlock(false), collidingBlock(true)),
                        concat(collidingBlock(true), collidingBlock(false), collidingBlock(true))),
                new GeneratedPair("last short block moved", Arrays.copyOf(random, 100_100),
                        concat(Arrays.copyOfRange(random, 100_000, 100_100), Arrays.copyOf(random, 100_000))));
    }

    static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Overwrites, inserts and deletes at random places, a few dozen edits in all. */
    static byte[] edited(byte[] basis, long seed) {
        Random random = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < basis.length) {
            int keep = Math.min(basis.length - at, random.nextInt(20_000));
            out.write(basis, at, keep);
            at += keep;
            switch (random.nextInt(3)) {
                case 0 -> out.writeBytes(random(random.nextLong(), random.nextInt(300)));
                case 1 -> at += random.nextInt(2_000);
                default -> {
                    out.writeBytes(random(random.nextLong(), 50));
                    at += 50;
                }
            }
        }
        return out.toByteArray();
    }

    /** 512-byte headers with names and numbers, then file bodies of repetitive text: like a tar of /etc. */
    static byte[] tarLikeText(long seed, int size) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        for (int file = 0; text.length() < size; file++) {
            StringBuilder header = new StringBuilder("etc/config-" + file + ".conf\0" + "0000644\0" + random.nextInt(99999));
            header.setLength(512);
            text.append(header.toString().replace('\u0000', ' '));
            for (int line = random.nextInt(40); line >= 0; line--) {
                text.append("option_").append(random.nextInt(50)).append(" = ").append(random.nextInt(1000)).append('\n');
            }
        }
        return Arrays.copyOf(text.toString().getBytes(StandardCharsets.US_ASCII), size);
    }

    /** 40 KB made of a few 1 KB chunks repeated: many basis blocks with equal sums. */
    static byte[] repeated(long seed) {
        byte[][] chunks = {random(seed, 1024), random(seed + 100, 1024), new byte[1024]};
        Random random = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 40; i++) {
            out.writeBytes(chunks[random.nextInt(chunks.length)]);
        }
        return out.toByteArray();
    }

    /**
     * 256 bytes; the twin differs by +1, -2, +1 at three neighbouring bytes, which leaves both rollsum sums
     * unchanged: same weak sum, different strong sum.
     */
    static byte[] collidingBlock(boolean twin) {
        byte[] block = random(14, 256);
        block[100] = 50;
        block[101] = 50;
        block[102] = 50;
        if (twin) {
            block[100] = 51;
            block[101] = 48;
            block[102] = 51;
        }
        return block;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
