package io.peerlift.device.domain;

import io.peerlift.device.domain.PartialDownload.ChunkRun;
import io.peerlift.device.peer.PeerServers;
import io.peerlift.events.AppManifest;
import io.peerlift.events.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Fetches manifests and payload chunks over HTTP and verifies every chunk against the manifest before it is
 * written. Each contiguous run of missing chunks is one Range request (one upload slot on the peer); the bytes are
 * checked chunk by chunk as they stream in, and the connection is abandoned at the first bad chunk.
 */
public final class PayloadFetcher {

    /** How one attempt against one source ended. */
    public enum Outcome {
        /** Every chunk is verified. */
        COMPLETE,
        /** The source answered 503: at its connection limit. */
        BUSY,
        /** Connection refused or dropped, an unexpected status, or a short body: try elsewhere. */
        UNAVAILABLE,
        /** The source sent bytes that do not match the manifest: never use it again for this download. */
        CORRUPT,
        /** The download was cancelled between chunks. */
        CANCELLED
    }

    /** Called after each verified chunk, and with every byte received (verified or not) for accounting. */
    public interface Listener {
        void received(Source source, long bytes);

        void verified(Source source, int chunk);
    }

    private final HttpClient http;
    private final String requesterId;
    private final Duration requestTimeout;

    /** @param requestTimeout for the response headers, and for each read of a body that stopped flowing */
    public PayloadFetcher(HttpClient http, String requesterId, Duration requestTimeout) {
        this.http = http;
        this.requesterId = requesterId;
        this.requestTimeout = requestTimeout;
    }

    /**
     * The manifest from {@code source}, accepted only if its bytes hash to {@code manifestSha256}.
     *
     * @throws AppManifest.ManifestMismatchException when the source sent a different manifest
     * @throws IOException                           when the source could not be reached or did not answer 200
     */
    public AppManifest fetchManifest(Source source, String app, String version, String manifestSha256)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request(source, app, version, "manifest").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException(source + " answered " + response.statusCode() + " for the manifest");
        }
        return AppManifest.verifyAndParse(response.body(), manifestSha256);
    }

    /** Fetches every missing chunk of {@code download} from {@code source}. */
    public Outcome fetchMissing(Source source, PartialDownload download, Listener listener, BooleanSupplier cancelled)
            throws InterruptedException {
        for (ChunkRun run : download.missingRuns()) {
            if (cancelled.getAsBoolean()) {
                return Outcome.CANCELLED;
            }
            Outcome outcome = fetchRun(source, download, run, listener, cancelled);
            if (outcome != Outcome.COMPLETE) {
                return outcome;
            }
        }
        return download.isComplete() ? Outcome.COMPLETE : Outcome.UNAVAILABLE;
    }

    private Outcome fetchRun(Source source, PartialDownload download, ChunkRun run, Listener listener,
                             BooleanSupplier cancelled) throws InterruptedException {
        AppManifest manifest = download.manifest();
        long first = manifest.chunkOffset(run.first());
        long last = manifest.chunkOffset(run.last()) + manifest.chunkLength(run.last()) - 1;
        HttpRequest request = request(source, manifest.app(), manifest.version(), "payload")
                .header("Range", "bytes=" + first + "-" + last).build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, info -> new TimedBodyStream(requestTimeout));
        } catch (IOException e) {
            return Outcome.UNAVAILABLE;
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 503) {
                return Outcome.BUSY;
            }
            boolean wholeBody = status == 200 && first == 0 && last == manifest.size() - 1;
            if (status != 206 && !wholeBody) {
                return Outcome.UNAVAILABLE;
            }
            for (int chunk = run.first(); chunk <= run.last(); chunk++) {
                if (cancelled.getAsBoolean()) {
                    return Outcome.CANCELLED;
                }
                byte[] data = body.readNBytes(manifest.chunkLength(chunk));
                listener.received(source, data.length);
                if (data.length < manifest.chunkLength(chunk)) {
                    return Outcome.UNAVAILABLE;
                }
                if (!Sha256.hex(data).equals(manifest.chunks().get(chunk))) {
                    return Outcome.CORRUPT;
                }
                persist(download, chunk, data);
                listener.verified(source, chunk);
            }
            return Outcome.COMPLETE;
        } catch (IOException e) {
            return Outcome.UNAVAILABLE;
        }
    }

    private static void persist(PartialDownload download, int chunk, byte[] data) {
        try {
            download.writeVerified(chunk, data);
        } catch (IOException e) {
            // A local disk failure, not the source's fault: let the download fail with this reason.
            throw new UncheckedIOException("cannot write verified chunk " + chunk + ": " + e.getMessage(), e);
        }
    }

    private HttpRequest.Builder request(Source source, String app, String version, String resource) {
        return HttpRequest.newBuilder("manifest".equals(resource) ? source.manifestUri(app, version)
                        : source.payloadUri(app, version))
                .timeout(requestTimeout)
                .header(PeerServers.REQUESTER_HEADER, requesterId)
                .GET();
    }
}
