package io.peerlift.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Renders a kustomization with the real {@code kubectl kustomize}, as a user applying it would. */
final class Kustomize {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private Kustomize() {
    }

    /** The rendered objects of the kustomization in {@code dir}, in kustomize's output order. */
    static List<JsonNode> render(Path dir) {
        String yaml = run("kubectl", "kustomize", dir.toString());
        return YAML.readValues(YAML.createParser(yaml), JsonNode.class).readAll().stream()
                .filter(node -> node != null && !node.isNull() && !node.isMissingNode())
                .toList();
    }

    private static String run(String... command) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run `" + String.join(" ", command) + "`: kubectl (with its built-in kustomize) "
                    + "must be on the PATH to test the manifests: " + e.getMessage(), e);
        }
        CompletableFuture<String> stdout = readAsync(process.getInputStream());
        CompletableFuture<String> stderr = readAsync(process.getErrorStream());
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("`" + String.join(" ", command) + "` did not finish within 2 minutes");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("`" + String.join(" ", command) + "` failed with exit code " + process.exitValue()
                        + ":\n" + stderr.join());
            }
            return stdout.join();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while rendering " + command[command.length - 1], e);
        }
    }

    private static CompletableFuture<String> readAsync(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
