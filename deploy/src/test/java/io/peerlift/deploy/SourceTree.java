package io.peerlift.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's sources are: the manifests are checked against the code as it is in the work tree. */
final class SourceTree {

    private SourceTree() {
    }

    static Path repoDir() {
        String configured = System.getProperty("peerlift.repo.dir");
        Path dir = (configured != null ? Path.of(configured) : Path.of("..")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("deploy/pom.xml"))) {
            throw new IllegalStateException(dir + " is not the Peerlift repository (set -Dpeerlift.repo.dir)");
        }
        return dir;
    }

    static Path deployDir() {
        return repoDir().resolve("deploy");
    }

    static Path overlaysDir() {
        return deployDir().resolve("k8s/overlays");
    }

    static Path dashboardsDir() {
        return deployDir().resolve("grafana");
    }
}
