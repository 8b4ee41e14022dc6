package io.peerlift.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** Every overlay under deploy/k8s/overlays, each rendered and parsed once per test run. */
final class Overlays {

    /** The {@code @MethodSource} of tests that hold for every overlay. */
    static final String OVERLAYS = "io.peerlift.deploy.Overlays#names";

    private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

    private Overlays() {
    }

    /** The overlay names. */
    static List<String> names() {
        try (Stream<Path> dirs = Files.list(SourceTree.overlaysDir())) {
            return dirs.filter(dir -> Files.isRegularFile(dir.resolve("kustomization.yaml")))
                    .map(dir -> dir.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Manifests rendered(String overlay) {
        return RENDERED.computeIfAbsent(overlay, Manifests::ofOverlay);
    }
}
