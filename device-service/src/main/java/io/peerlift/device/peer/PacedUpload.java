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

    private PacedUpload(Vertx vertx, HttpServerResponse response, UploadRate rate) {
        this.vertx = vertx;
        this.response = response;
        this.rate = rate;
    }

    /** Completes once the last byte is written, fails when the connection closes first. */
    static Future<Void> send(Vertx vertx, HttpServerResponse response, Path payload, long start, long length,
                             UploadRate rate) {
        PacedUpload upload = new PacedUpload(vertx, response, rate);
        return vertx.fileSystem().open(payload.toString(), new OpenOptions().setRead(true))
                .compose(opened -> upload.run(opened, start, length));
    }

    private Future<Void> run(AsyncFile opened, long start, long length) {
        file = opened.setReadBufferSize(SLICE_BYTES).setReadPos(start).setReadLength(length);
        response.closeHandler(v -> done.tryFail("the connection closed before the upload ended"));
        response.exceptionHandler(done::tryFail);
        file.exceptionHandler(done::tryFail);
        file.endHandler(v -> response.end().onComplete(done));
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
        if (response.writeQueueFull()) {
            response.drainHandler(v -> file.resume());
        } else {
            file.resume();
        }
    }
}
