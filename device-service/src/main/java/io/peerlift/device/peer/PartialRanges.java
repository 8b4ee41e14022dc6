package io.peerlift.device.peer;

import io.peerlift.events.AppManifest;
import io.peerlift.events.ByteRange;

import java.util.Optional;

/**
 * What of a package still being swarmed may be sent: a range made of whole chunks, every one of them verified by
 * this device. A downloader asks for whole chunks anyway; anything else would hand out bytes no one checked.
 */
final class PartialRanges {

    static final String NOT_ALIGNED = "the range does not start and end on chunk boundaries";

    private PartialRanges() {
    }

    /** Why {@code range} may not be sent, or empty when it may. */
    static Optional<String> refusal(AppManifest manifest, VerifiedChunks chunks, ByteRange range) {
        int first = (int) (range.start() / manifest.chunkSize());
        long end = range.start() + range.length(); // exclusive
        int last = (int) ((end - 1) / manifest.chunkSize());
        if (manifest.chunkOffset(first) != range.start()
                || manifest.chunkOffset(last) + manifest.chunkLength(last) != end) {
            return Optional.of(NOT_ALIGNED);
        }
        for (int chunk = first; chunk <= last; chunk++) {
            if (!chunks.has(chunk)) {
                return Optional.of("chunk " + chunk + " is not verified here yet");
            }
        }
        return Optional.empty();
    }
}
