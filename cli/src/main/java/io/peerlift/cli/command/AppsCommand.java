package io.peerlift.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerlift.cli.CliException;
import io.peerlift.cli.ExitCode;
import io.peerlift.cli.Peerlift;
import io.peerlift.cli.client.CountingInputStream;
import io.peerlift.cli.client.RepositoryClient;
import io.peerlift.cli.output.Output;
import io.peerlift.cli.output.Progress;
import io.peerlift.events.AppManifest;
import io.peerlift.events.ReleaseKeys;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.ReleaseSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

/** {@code peerlift apps ...}: the releases in rollout-service's repository. */
@Command(name = "apps", mixinStandardHelpOptions = true, description = "Releases in the app repository (the WAN source).")
public final class AppsCommand {

    @ParentCommand
    Peerlift peerlift;

    @Spec
    CommandSpec spec;

    @Command(name = "list", description = "Lists the stored releases.")
    int list() {
        JsonNode apps = peerlift.repository().list();
        Output out = output();
        out.result(apps, () -> {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode a : apps) {
                rows.add(List.of(a.path("app").asText(), a.path("version").asText(),
                        io.peerlift.cli.output.RolloutLines.mib(a.path("size").asLong()), Output.cell(a, "chunkCount"),
                        a.path("manifestSha256").asText().substring(0, Math.min(16, a.path("manifestSha256").asText().length())),
                        Output.cell(a, "createdAt")));
            }
            out.table(List.of("APP", "VERSION", "SIZE", "CHUNKS", "MANIFEST", "STORED"), rows);
        });
        return ExitCode.OK.code();
    }

    @Command(name = "upload", description = {"Signs a release with the release key and uploads it.",
            "The manifest (payload and chunk hashes) is computed here and signed with the minimum version; the "
                    + "repository computes it again from what it received and must arrive at the same."})
    int upload(@Parameters(paramLabel = "APP") String app,
               @Parameters(paramLabel = "VERSION") String version,
               @Parameters(paramLabel = "FILE") Path file,
               @Option(names = "--signing-key", required = true, paramLabel = "KEY",
                       description = "Ed25519 signing key (PEM with the PRIVATE and PUBLIC block; bin/demo writes var/demo/release-signing.key).")
               Path signingKey,
               @Option(names = "--minimum-version", paramLabel = "VERSION",
                       description = "The oldest version a device may return to after this release (default: VERSION).")
               String minimumVersion) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCode.USAGE, "no file " + file);
        }
        ReleaseSigner signer;
        try {
            signer = ReleaseSigner.fromKeyFile(signingKey);
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCode.USAGE, "cannot use the signing key " + signingKey + ": " + e.getMessage());
        }
        Output out = output();
        long size = Files.size(file);
        AppManifest manifest;
        ReleaseSignature signature;
        RepositoryClient repository = peerlift.repository();
        JsonNode stored;
        try (Progress progress = Progress.open(out, spec.commandLine().getErr())) {
            try (InputStream in = new CountingInputStream(Files.newInputStream(file),
                    done -> progress.show(List.of(Progress.bar("hashing  ", done, size)), done == size))) {
                manifest = AppManifest.compute(app, version, AppManifest.DEFAULT_CHUNK_SIZE, in);
            }
            try {
                signature = signer.sign(manifest, minimumVersion == null ? version : minimumVersion);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, e.getMessage());
            }
            stored = repository.upload(app, version, file, signature,
                    done -> progress.show(List.of(Progress.bar("uploading", done, size)), done == size));
        }
        AppManifest remote = out.mapper().treeToValue(repository.manifest(app, version), AppManifest.class);
        if (!remote.manifestSha256().equals(manifest.manifestSha256())) {
            throw new CliException(ExitCode.ERROR, "the repository's manifest of " + app + " " + version
                    + " differs from the one signed here (payload " + remote.sha256() + ", " + remote.chunkSize()
                    + "-byte chunks; signed: " + manifest.sha256() + ", " + manifest.chunkSize()
                    + "): the release is not stored as signed");
        }
        out.result(stored, () -> out.line("uploaded " + app + " " + version + ": " + manifest.size() + " bytes, "
                + manifest.chunkCount() + " chunks, manifest " + manifest.manifestSha256().substring(0, 16)
                + "…, signed with key " + signer.keyId() + " (minimum version " + signature.minimumVersion() + ")"));
        return ExitCode.OK.code();
    }

    @Command(name = "keygen", description = {"Creates a release key pair: DIR/release-signing.key (owner-only; "
            + "keep it offline, it signs every upload) and DIR/release-public.pem (what the repository and the "
            + "devices are provisioned with).", "Existing files are never overwritten."})
    int keygen(@Parameters(paramLabel = "DIR") Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CliException(ExitCode.USAGE, dir + " is not a directory");
        }
        Path signingKey = dir.resolve("release-signing.key");
        Path publicKey = dir.resolve("release-public.pem");
        for (Path existing : List.of(signingKey, publicKey)) {
            if (Files.exists(existing)) {
                throw keyExists(existing);
            }
        }
        Files.createDirectories(dir);
        KeyPair keys = ReleaseKeys.generate();
        try {
            Files.writeString(Files.createFile(signingKey, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))), ReleaseKeys.toSigningKeyPem(keys), StandardCharsets.US_ASCII);
            Files.writeString(Files.createFile(publicKey), ReleaseKeys.toPem(keys.getPublic()), StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException raced) {
            throw keyExists(Path.of(raced.getFile()));
        }
        String keyId = ReleaseKeys.keyId(keys.getPublic());
        Output out = output();
        out.result(out.mapper().createObjectNode().put("keyId", keyId).put("signingKey", signingKey.toString())
                .put("publicKey", publicKey.toString()), () -> {
            out.line("release key " + keyId + ": signing key " + signingKey + ", public key " + publicKey);
            out.note("provision " + publicKey + " as peerlift.rollout.repository.trusted-release-keys and as every"
                    + " device's peerlift.device.trusted-release-keys (Kubernetes: the peerlift-release-keys"
                    + " ConfigMap), then sign uploads with --signing-key " + signingKey);
        });
        return ExitCode.OK.code();
    }

    private static CliException keyExists(Path file) {
        return new CliException(ExitCode.USAGE, file + " exists: a release key is never overwritten here");
    }

    private Output output() {
        return peerlift.output(spec.commandLine());
    }
}
