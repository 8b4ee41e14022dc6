package io.peerlift.cli.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** Tells {@code read} how many bytes have been read so far, for progress bars over hashing and uploads. */
public final class CountingInputStream extends FilterInputStream {

    private final LongConsumer read;
    private long count;

    public CountingInputStream(InputStream in, LongConsumer read) {
        super(in);
        this.read = read;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            read.accept(++count);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count += n;
            read.accept(count);
        }
        return n;
    }
}
