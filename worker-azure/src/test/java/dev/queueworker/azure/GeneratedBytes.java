package dev.queueworker.azure;

import java.io.InputStream;
import java.util.SplittableRandom;

/** Deterministic pseudo-random bytes of a given length, generated as they are read: never held in memory. */
final class GeneratedBytes extends InputStream {
    private final SplittableRandom random;
    private long remaining;

    GeneratedBytes(long size, long seed) {
        this.random = new SplittableRandom(seed);
        this.remaining = size;
    }

    @Override
    public int read() {
        if (remaining <= 0) {
            return -1;
        }
        remaining--;
        return random.nextInt(256);
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (remaining <= 0) {
            return -1;
        }
        int n = (int) Math.min(len, remaining);
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) random.nextInt(256);
        }
        remaining -= n;
        return n;
    }
}
