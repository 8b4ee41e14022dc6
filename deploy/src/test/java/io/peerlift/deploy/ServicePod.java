package io.peerlift.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Deployment's container that runs one of the Peerlift service images, with the environment it will see
 * (its own variables and those of the ConfigMaps it imports) and the files its Secret volumes provide.
 */
record ServicePod(Deployment deployment, Container container, ServiceModule module, Manifests manifests) {

    /** The group the README's build command gives the images ({@code -Dquarkus.container-image.group}). */
    static final String IMAGE_GROUP = "peerlift";

    private static final Pattern IMAGE = Pattern.compile("^(?:(.+)/)?" + IMAGE_GROUP + "/([^/:@]+):([^/:@]+)$");

    /** Every container of the overlay that runs a Peerlift service image. */
    static List<ServicePod> all(Manifests manifests) {
        return manifests.all(Deployment.class).stream()
                .flatMap(deployment -> deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                        .flatMap(container -> moduleOf(container).map(module ->
                                new ServicePod(deployment, container, module, manifests)).stream()))
                .toList();
    }

    private static Optional<ServiceModule> moduleOf(Container container) {
        Matcher image = IMAGE.matcher(container.getImage());
        if (!image.matches()) {
            return Optional.empty();
        }
        return ServiceModule.all().stream().filter(module -> module.imageName().equals(image.group(2))).findFirst();
    }

    /** Whether this is device-service in fleet mode, a simulated fleet for labs. */
    boolean isFleetSimulator() {
        Value mode = environment().get("PEERLIFT_DEVICE_MODE");
        return mode != null && "fleet".equals(mode.literal());
    }

    String imageTag() {
        Matcher image = IMAGE.matcher(container.getImage());
        return image.matches() ? image.group(3) : "";
    }

    String describe() {
        return manifests.overlay() + ": Deployment " + deployment.getMetadata().getName() + " container "
                + container.getName();
    }

    /** A variable's source: a literal (from env or an imported ConfigMap), a key of a Secret, or a pod field. */
    record Value(String literal, SecretKeySelector secret, String podField) {
    }

    /** The environment the container sees; its own variables override imported ConfigMaps, as in Kubernetes. */
    Map<String, Value> environment() {
        Map<String, Value> environment = new LinkedHashMap<>();
        for (EnvFromSource source : container.getEnvFrom()) {
            if (source.getConfigMapRef() == null) {
                throw new AssertionError(describe() + " imports environment from something other than a ConfigMap");
            }
            ConfigMap configMap = manifests.named(ConfigMap.class, source.getConfigMapRef().getName());
            configMap.getData().forEach((key, value) -> environment.put(key, new Value(value, null, null)));
        }
        for (EnvVar variable : container.getEnv()) {
            var from = variable.getValueFrom();
            SecretKeySelector secret = from == null ? null : from.getSecretKeyRef();
            String podField = from == null || from.getFieldRef() == null ? null : from.getFieldRef().getFieldPath();
            if (from != null && secret == null && podField == null) {
                throw new AssertionError(describe() + " takes " + variable.getName()
                        + " from neither a value, a Secret nor a pod field");
            }
            environment.put(variable.getName(), new Value(variable.getValue(), secret, podField));
        }
        return environment;
    }

    String literal(String variable) {
        Value value = environment().get(variable);
        if (value == null || value.literal() == null) {
            throw new AssertionError(describe() + " does not set " + variable + " to a value");
        }
        return value.literal();
    }

    SecretKeySelector secretRef(String variable) {
        Value value = environment().get(variable);
        if (value == null || value.secret() == null) {
            throw new AssertionError(describe() + " does not take " + variable + " from a Secret");
        }
        return value.secret();
    }

    /** The Secret and key that provide the file at {@code path}, through a mounted Secret volume. */
    Optional<SecretKeySelector> secretFileAt(String path) {
        return fileAt(path, volume -> volume.getSecret() == null ? null
                : new MountedKeys(volume.getSecret().getSecretName(), volume.getSecret().getItems()))
                .map(file -> new SecretKeySelector(file.key(), file.source(), false));
    }

    /** The ConfigMap and key that provide the file at {@code path}, through a mounted ConfigMap volume. */
    Optional<MountedFile> configMapFileAt(String path) {
        return fileAt(path, volume -> volume.getConfigMap() == null ? null
                : new MountedKeys(volume.getConfigMap().getName(), volume.getConfigMap().getItems()));
    }

    /** A file of a mounted Secret or ConfigMap: its source's name and key. */
    record MountedFile(String source, String key) {
    }

    private record MountedKeys(String source, List<KeyToPath> items) {
    }

    private Optional<MountedFile> fileAt(String path, Function<Volume, MountedKeys> keysOf) {
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(candidate -> candidate.getName().equals(mount.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(describe() + " mounts the undefined volume " + mount.getName()));
            MountedKeys keys = keysOf.apply(volume);
            if (keys == null || !path.startsWith(mount.getMountPath() + "/")) {
                continue;
            }
            String file = Path.of(mount.getMountPath()).relativize(Path.of(path)).toString();
            Optional<String> key = keys.items().isEmpty() ? Optional.of(file)
                    : keys.items().stream().filter(item -> item.getPath().equals(file)).map(KeyToPath::getKey).findFirst();
            if (key.isPresent()) {
                return Optional.of(new MountedFile(keys.source(), key.get()));
            }
        }
        return Optional.empty();
    }
}
