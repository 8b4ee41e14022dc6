package io.peerlift.device.peer;

import java.util.BitSet;

/** The chunks of a package one device verified itself: all it may serve of it. */
public interface VerifiedChunks {

    /** A package the device holds whole. */
    VerifiedChunks ALL = new VerifiedChunks() {
        @Override
        public boolean isComplete() {
            return true;
        }

        @Override
        public boolean has(int chunk) {
            return true;
        }

        @Override
        public BitSet snapshot(int chunkCount) {
            BitSet all = new BitSet(chunkCount);
            all.set(0, chunkCount);
            return all;
        }
    };

    boolean isComplete();

    boolean has(int chunk);

    /** A copy of the verified chunks, bit i = chunk i. */
    BitSet snapshot(int chunkCount);
}
