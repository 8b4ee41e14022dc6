package io.peerlift.device.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an {@link InputStream} whose reads give up when no bytes arrive for {@code timeout}. The HTTP
 * client's own timeout ends with the response headers, and a peer that froze (no FIN, no RST) would otherwise hold
 * a download forever. Closing the stream cancels the body, which drops the connection.
 */
final class TimedBodyStream extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    private static final Object END = new Object();

    private final Duration timeout;
    private final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> pending = Collections.emptyIterator();
    private ByteBuffer current;
    private boolean ended;

    TimedBodyStream(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedStage(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription newSubscription) {
        subscription = newSubscription;
        newSubscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        arrivals.add(buffers);
    }

    @Override
    public void onError(Throwable failure) {
        arrivals.add(failure);
    }

    @Override
    public void onComplete() {
        arrivals.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        ByteBuffer buffer = nextBuffer();
        if (buffer == null) {
            return -1;
        }
        int count = Math.min(length, buffer.remaining());
        buffer.get(target, offset, count);
        return count;
    }

    private ByteBuffer nextBuffer() throws IOException {
        while (current == null || !current.hasRemaining()) {
            if (pending.hasNext()) {
                current = pending.next();
                continue;
            }
            if (ended) {
                return null;
            }
            Object arrival = await();
            if (arrival == END) {
                ended = true;
            } else if (arrival instanceof Throwable failure) {
                ended = true;
                throw failure instanceof IOException io ? io : new IOException(failure);
            } else {
                @SuppressWarnings("unchecked")
                List<ByteBuffer> buffers = (List<ByteBuffer>) arrival;
                pending = buffers.iterator();
                subscription.request(1);
            }
        }
        return current;
    }

    private Object await() throws IOException {
        try {
            Object arrival = arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (arrival == null) {
                close();
                throw new IOException("no data for " + timeout.toMillis() + " ms");
            }
            return arrival;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for data");
        }
    }

    @Override
    public void close() {
        ended = true;
        Flow.Subscription active = subscription;
        if (active != null) {
            active.cancel();
        }
    }
}
