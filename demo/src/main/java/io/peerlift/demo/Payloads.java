package io.peerlift.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** The stand-in for the Base System App: incompressible bytes, the same for the same size. */
final class Payloads {

    private Payloads() {
    }

    static Path generate(Path file, int mib) throws IOException {
        SplittableRandom random = new SplittableRandom(12_7_4L);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                for (int j = 0; j < block.length; j += 8) {
                    long value = random.nextLong();
                    for (int k = 0; k < 8; k++) {
                        block[j + k] = (byte) (value >>> (8 * k));
                    }
                }
                out.write(block);
            }
        }
        return file;
    }
}
