package io.peerlift.device.peer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerResponse;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Sends a file range to a response slice by slice, each slice only once the device's {@link UploadRate} grants
 * it, and no faster than the client reads (a full write queue pauses the file until it drains). A client that
 * stops reading therefore stops the writes, and the server's idle timeout closes its connection. Rate-limited
 * uploads cannot use sendfile: the kernel would not let the bucket see the bytes.
 */
final class PacedUpload {

    static final int SLICE_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final UploadRate rate;
    private final Promise<Void> done = Promise.promise();
    private AsyncFile file;
    private long unsent;

    private PacedUpload(Vertx vertx, HttpServerResponse response, UploadRate rate) {
        this.vertx = vertx;
        this.response = response;
        this.rate = rate;
    }

    /** Completes once the last byte is written (the range is at least one byte), fails when the connection closes first. */
    static Future<Void> send(Vertx vertx, HttpServerResponse response, Path payload, long start, long length,
                             UploadRate rate) {
        PacedUpload upload = new PacedUpload(vertx, response, rate);
        return vertx.fileSystem().open(payload.toString(), new OpenOptions().setRead(true))
                .compose(opened -> upload.run(opened, start, length));
    }

    private Future<Void> run(AsyncFile opened, long start, long length) {
        file = opened.setReadBufferSize(SLICE_BYTES).setReadPos(start).setReadLength(length);
        unsent = length;
        response.closeHandler(v -> done.tryFail("the connection closed before the upload ended"));
        response.exceptionHandler(done::tryFail);
        file.exceptionHandler(done::tryFail);
        file.endHandler(v -> {
            if (unsent > 0) {
                done.tryFail("the payload file ended " + unsent + " bytes short of the range");
            }
        });
        file.handler(slice -> {
            file.pause();
            write(slice);
        });
        return done.future().eventually(() -> file.close());
    }

    private void write(Buffer slice) {
        if (done.future().isComplete()) {
            return;
        }
        long waitNanos = rate.take(slice.length());
        if (waitNanos > 0) {
            vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)), t -> write(slice));
            return;
        }
        response.write(slice);
        unsent -= slice.length();
        if (unsent == 0) {
            // Ended with its last slice, not at the file's end-of-range read: that read takes a trip to the worker
            // pool, and a downloader holding every byte by then closes the connection, and an upload sent in full
            // had counted as cut off (a fifth of a swarm's uploads went unreported).
            response.end().onComplete(done);
            return;
        }
        if (response.writeQueueFull()) {
            response.drainHandler(v -> file.resume());
        } else {
            file.resume();
        }
    }
}
