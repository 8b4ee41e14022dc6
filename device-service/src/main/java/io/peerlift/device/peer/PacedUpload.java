package io.peerlift.device.peer;

import io.netty.channel.ChannelFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Sends a file range to a response slice by slice, each slice only once the device's {@link UploadRate} granted
 * it, and each only once the one before it is written (a client that stops reading stops the writes, and the
 * server's idle timeout closes its connection). A slice goes out as Vert.x sends a file: zero-copy sendfile where
 * the transport allows it (plain TCP), chunked reads under TLS. The bucket sees every byte before it is sent, so
 * sendfile does not get around the rate; before, each slice took a trip to the worker pool to be read into a heap
 * buffer and was copied twice more on its way to the socket, the largest CPU cost of a swarm's uploads.
 */
final class PacedUpload {

    static final int SLICE_BYTES = 64 * 1024;

    private final HttpServerResponse response;
    private final ConnectionBase connection;
    private final String payload;
    private final UploadRate rate;
    private final Promise<Void> done = Promise.promise();
    private long next;
    private long unsent;

    private PacedUpload(HttpServerResponse response, ConnectionBase connection, Path payload, long start, long length,
                        UploadRate rate) {
        this.response = response;
        this.connection = connection;
        this.payload = payload.toString();
        this.rate = rate;
        this.next = start;
        this.unsent = length;
    }

    /**
     * Completes once the last byte is written (the range is at least one byte, its Content-Length set), fails when
     * the connection closes first. Runs on the connection's event loop, its waits too.
     */
    static Future<Void> send(HttpConnection connection, HttpServerResponse response, Path payload, long start,
                             long length, UploadRate rate) {
        if (!(connection instanceof ConnectionBase base)) {
            return Future.failedFuture("a peer-server connection that is not Vert.x's own: " + connection);
        }
        PacedUpload upload = new PacedUpload(response, base, payload, start, length, rate);
        response.closeHandler(v -> upload.done.tryFail("the connection closed before the upload ended"));
        response.exceptionHandler(upload.done::tryFail);
        response.writeHead();
        upload.sendSlice();
        return upload.done.future();
    }

    private void sendSlice() {
        if (done.future().isComplete()) {
            return;
        }
        int slice = (int) Math.min(SLICE_BYTES, unsent);
        long waitNanos = rate.take(slice);
        if (waitNanos > 0) {
            connection.channel().eventLoop().schedule(this::sendSlice, waitNanos, TimeUnit.NANOSECONDS);
            return;
        }
        ChannelFuture written;
        try {
            // Its own file handle: Vert.x closes it once the slice is written.
            written = connection.sendFile(new RandomAccessFile(payload, "r"), next, slice);
        } catch (IOException e) {
            done.tryFail(e);
            return;
        }
        next += slice;
        unsent -= slice;
        written.addListener(outcome -> {
            if (!outcome.isSuccess()) {
                done.tryFail(outcome.cause());
            } else if (unsent == 0) {
                // Ended with its last slice: a downloader holding every byte closes the connection at once.
                response.end().onComplete(done);
            } else {
                sendSlice();
            }
        });
    }
}
