package dev.queueworker.ai.internal.parse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes a parser reads from the caller's stream, stops it past the byte limit, and tells
 * a failure of the stream itself (the store failing mid-read) apart from the parser's own errors:
 * parsers wrap or even swallow exceptions, so the verdict is kept here rather than read from them.
 *
 * <p>Read by one parser thread; its state is then read by the calling thread after the parse ends or
 * is abandoned, hence the volatile fields.
 */
final class MeteredInputStream extends FilterInputStream {
    /** Thrown past the byte limit; never escapes {@link TikaDocumentParser}. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long maxBytes) {
            super("more than " + maxBytes + " bytes");
        }
    }

    private final long maxBytes;
    private volatile long count;
    private volatile boolean tooLarge;
    private volatile IOException sourceFailure;
    private volatile boolean abandoned;

    MeteredInputStream(InputStream in, long maxBytes) {
        super(in);
        this.maxBytes = maxBytes;
    }

    long count() {
        return count;
    }

    boolean tooLarge() {
        return tooLarge;
    }

    /** The exception the caller's stream threw, or null. */
    IOException sourceFailure() {
        return sourceFailure;
    }

    /** Makes every later read fail, so that a parser still running after a timeout stops at its next read. */
    void abandon() {
        abandoned = true;
    }

    @Override
    public int read() throws IOException {
        checkOpen();
        int b;
        try {
            b = super.read();
        } catch (IOException e) {
            throw sourceFailed(e);
        }
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        checkOpen();
        // Never hand out more than one byte past the limit, so a long read cannot run far beyond it.
        long allowed = maxBytes - count + 1;
        int n;
        try {
            n = super.read(buffer, offset, (int) Math.min(length, Math.max(1, allowed)));
        } catch (IOException e) {
            throw sourceFailed(e);
        }
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Through read, so skipped bytes count and are limited too.
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false; // Tika buffers for detection itself; a reset here would count bytes twice
    }

    @Override
    public synchronized void mark(int readLimit) {
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    @Override
    public void close() {
        // The caller owns the stream and closes it; parsers close what they are given.
    }

    private void checkOpen() throws IOException {
        if (abandoned) {
            throw new IOException("parse abandoned after its timeout");
        }
        if (tooLarge) {
            throw new TooLargeException(maxBytes);
        }
    }

    private void counted(int n) throws TooLargeException {
        count += n;
        if (count > maxBytes) {
            tooLarge = true;
            throw new TooLargeException(maxBytes);
        }
    }

    private IOException sourceFailed(IOException e) {
        if (!abandoned && sourceFailure == null) {
            sourceFailure = e;
        }
        return e;
    }
}
