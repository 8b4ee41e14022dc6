package io.peerlift.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.user.KafkaUser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.peerlift.deploy.Overlays.OVERLAYS;
import static org.assertj.core.api.Assertions.assertThat;

/** The Deployments of every overlay against the services' code: images, ports, probes, configuration keys. */
class ServiceManifestTest {

    /** Created by the admin from the release key's public half (deploy/README.md), like the Ingress's TLS Secret. */
    private static final String RELEASE_KEYS_CONFIG_MAP = "peerlift-release-keys";

    private static final Pattern JDBC_URL = Pattern.compile("^jdbc:postgresql://([^:/]+):5432/(\\w+)$");
    private static final Pattern WRITABLE_DIRECTORY_KEY = Pattern.compile(".*[.-](dir|directory)$");

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void everyServiceRunsFromTheImageItsQuarkusBuildProduces(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        List<ServicePod> pods = ServicePod.all(manifests);

        assertThat(pods.stream().map(pod -> pod.module().name()).distinct())
                .containsExactlyInAnyOrderElementsOf(ServiceModule.NAMES);
        assertThat(pods.stream().map(pod -> pod.deployment().getMetadata().getName()).distinct())
                .as("Deployments running a Peerlift image")
                .containsExactlyInAnyOrderElementsOf(manifests.all(Deployment.class).stream()
                        .map(deployment -> deployment.getMetadata().getName()).toList());
        pods.forEach(pod -> assertThat(pod.imageTag()).as("image tag of %s", pod.describe())
                .isEqualTo(pod.module().imageTag()));
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void containersServeTheServicesHttpPortAndProbeItsHealthChecks(String overlay) {
        for (ServicePod pod : ServicePod.all(Overlays.rendered(overlay))) {
            Container container = pod.container();
            ContainerPort http = namedPort(pod, "http");
            assertThat(http.getContainerPort()).as("http port of %s", pod.describe()).isEqualTo(pod.module().httpPort());
            assertThat(http.getProtocol()).isEqualTo("TCP");

            assertProbe(pod, "startup", container.getStartupProbe(), "/q/health/started");
            assertProbe(pod, "liveness", container.getLivenessProbe(), "/q/health/live");
            assertProbe(pod, "readiness", container.getReadinessProbe(), "/q/health/ready");

            var resources = container.getResources();
            assertThat(resources.getRequests()).as("requests of %s", pod.describe()).containsKeys("cpu", "memory");
            assertThat(resources.getLimits()).as("limits of %s", pod.describe()).containsKey("memory");
        }
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void aServiceAndAServiceMonitorReachEachPodsMetrics(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        for (ServicePod pod : ServicePod.all(manifests)) {
            Service service = serviceOf(manifests, pod.deployment());
            ServicePort port = service.getSpec().getPorts().stream()
                    .filter(candidate -> targets(candidate, namedPort(pod, "http"))).findFirst()
                    .orElseThrow(() -> new AssertionError("Service " + service.getMetadata().getName()
                            + " has no port for the http port of " + pod.describe()));
            assertThat(port.getPort()).isEqualTo(pod.module().httpPort());

            List<PrometheusOperator.ServiceMonitor> monitors = manifests.all(PrometheusOperator.ServiceMonitor.class)
                    .stream().filter(monitor -> selects(monitor.spec().selector().getMatchLabels(),
                            service.getMetadata().getLabels())).toList();
            assertThat(monitors).as("ServiceMonitors of Service %s", service.getMetadata().getName()).hasSize(1);
            assertThat(monitors.get(0).spec().endpoints())
                    .anySatisfy(endpoint -> {
                        assertThat(endpoint.port()).isEqualTo(port.getName());
                        assertThat(endpoint.path()).isEqualTo("/q/metrics");
                    });
        }
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void deviceServiceRunsAsTheGatewayThatAgentsReachOverHttp(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        ServicePod gateway = ServicePod.all(manifests).stream()
                .filter(pod -> pod.deployment().getMetadata().getName().equals("device-service")).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + " has no device-service Deployment"));
        assertThat(gateway.literal("PEERLIFT_DEVICE_MODE")).isEqualTo("gateway");
        Service service = serviceOf(manifests, gateway.deployment());
        ContainerPort http = namedPort(gateway, "http");
        assertThat(service.getSpec().getPorts()).as("the agents' way in").anySatisfy(port -> {
            assertThat(targets(port, http)).isTrue();
            assertThat(port.getPort()).isEqualTo(gateway.module().httpPort());
        });
    }

    /** Outside Kubernetes a service listens on loopback only; in a pod it must listen on the pod's address. */
    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void servicesWithTokensListenOnThePodAddressAndVerifyTokensAgainstTheConfiguredIssuer(String overlay) {
        List<ServicePod> secured = ServicePod.all(Overlays.rendered(overlay)).stream()
                .filter(pod -> pod.module().usesServiceSupport()).toList();
        assertThat(secured).as("pods of services that take tokens").isNotEmpty();
        for (ServicePod pod : secured) {
            assertThat(pod.module().defaultValue("quarkus.http.host")).as("default bind of %s", pod.describe())
                    .contains("127.0.0.1");
            assertThat(pod.literal("QUARKUS_HTTP_HOST")).as("bind of %s", pod.describe()).isEqualTo("0.0.0.0");
            assertThat(URI.create(pod.literal("MP_JWT_VERIFY_PUBLICKEY_LOCATION")).getScheme())
                    .as("issuer keys of %s (a JWKS over HTTPS)", pod.describe()).isEqualTo("https");
            assertThat(URI.create(pod.literal("MP_JWT_VERIFY_ISSUER")).getScheme()).isEqualTo("https");
            assertThat(pod.literal("SMALLRYE_JWT_PATH_GROUPS")).as("role claim of %s", pod.describe()).isNotBlank();
        }
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void everyServiceExitsWhenItRunsOutOfHeapSoThatKubernetesRestartsIt(String overlay) {
        for (ServicePod pod : ServicePod.all(Overlays.rendered(overlay))) {
            assertThat(pod.literal(EnvironmentVariables.JVM_OPTIONS)).as("JVM options of %s", pod.describe())
                    .contains("-XX:+ExitOnOutOfMemoryError");
        }
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void everyVariableSetsAConfigurationKeyTheServiceReads(String overlay) {
        List<String> unknown = new ArrayList<>();
        for (ServicePod pod : ServicePod.all(Overlays.rendered(overlay))) {
            Set<String> keys = pod.module().configKeys();
            pod.environment().keySet().stream()
                    .filter(variable -> !EnvironmentVariables.setsOneOf(variable, keys)
                            && !EnvironmentVariables.isKafkaClientConfig(variable)
                            && !EnvironmentVariables.isJvmOptions(variable))
                    .forEach(variable -> unknown.add(pod.describe() + ": " + variable));
        }
        assertThat(unknown).as("variables that set nothing the services read (application.properties, "
                + "@ConfigMapping interfaces, @ConfigProperty, Kafka client settings)").isEmpty();
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void kafkaClientsConnectOverTlsWithTheServicesOwnIdentity(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        Kafka kafka = KafkaManifestTest.theKafka(manifests);
        String cluster = kafka.getMetadata().getName();
        GenericKafkaListener listener = kafka.getSpec().getKafka().getListeners().get(0);
        String clusterCa = cluster + "-cluster-ca-cert";

        for (ServicePod pod : ServicePod.all(manifests)) {
            String user = manifests.named(KafkaUser.class, pod.module().name()).getMetadata().getName();
            assertThat(pod.literal("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo(cluster + "-kafka-bootstrap:" + listener.getPort());
            assertThat(pod.literal("KAFKA_SECURITY_PROTOCOL")).isEqualTo("SSL");
            assertThat(pod.literal("KAFKA_SSL_TRUSTSTORE_TYPE")).isEqualTo("PKCS12");
            assertThat(pod.literal("KAFKA_SSL_KEYSTORE_TYPE")).isEqualTo("PKCS12");
            assertSecretFile(pod, pod.literal("KAFKA_SSL_TRUSTSTORE_LOCATION"), clusterCa, "ca.p12");
            assertSecretKey(pod, pod.secretRef("KAFKA_SSL_TRUSTSTORE_PASSWORD"), clusterCa, "ca.password");
            assertSecretFile(pod, pod.literal("KAFKA_SSL_KEYSTORE_LOCATION"), user, "user.p12");
            assertSecretKey(pod, pod.secretRef("KAFKA_SSL_KEYSTORE_PASSWORD"), user, "user.password");
        }
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void persistingServicesReachTheirOwnPostgresClusterThroughItsRwService(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        Set<String> usedClusters = new TreeSet<>();
        for (ServicePod pod : ServicePod.all(manifests)) {
            if (!pod.module().persists()) {
                assertThat(pod.environment().keySet()).as("datasource variables of %s", pod.describe())
                        .noneMatch(variable -> variable.startsWith("QUARKUS_DATASOURCE_"));
                continue;
            }
            Matcher url = JDBC_URL.matcher(pod.literal("QUARKUS_DATASOURCE_JDBC_URL"));
            assertThat(url.matches()).as("JDBC URL of %s", pod.describe()).isTrue();
            CloudNativePg.Cluster cluster = manifests.all(CloudNativePg.Cluster.class).stream()
                    .filter(candidate -> candidate.readWriteService().equals(url.group(1))).findFirst()
                    .orElseThrow(() -> new AssertionError(pod.describe() + " connects to " + url.group(1)
                            + ", the -rw Service of no CloudNativePG Cluster"));
            assertThat(url.group(2)).as("database of %s", pod.describe())
                    .isEqualTo(cluster.spec().bootstrap().initdb().database());
            assertSecretKey(pod, pod.secretRef("QUARKUS_DATASOURCE_USERNAME"), cluster.appSecret(), "username");
            assertSecretKey(pod, pod.secretRef("QUARKUS_DATASOURCE_PASSWORD"), cluster.appSecret(), "password");
            usedClusters.add(cluster.metadata().getName());
        }
        assertThat(manifests.all(CloudNativePg.Cluster.class).stream().map(cluster -> cluster.metadata().getName()))
                .as("every PostgreSQL cluster serves a service").containsExactlyInAnyOrderElementsOf(usedClusters);
        assertThat(ServiceModule.all().stream().filter(ServiceModule::persists).count()).isEqualTo(usedClusters.size());
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void everySecretReferencedIsOneTheOperatorsCreate(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        Set<String> created = new TreeSet<>();
        created.add(KafkaManifestTest.theKafka(manifests).getMetadata().getName() + "-cluster-ca-cert");
        manifests.all(KafkaUser.class).forEach(user -> created.add(user.getMetadata().getName()));
        manifests.all(CloudNativePg.Cluster.class).forEach(cluster -> created.add(cluster.appSecret()));

        for (Deployment deployment : manifests.all(Deployment.class)) {
            PodSpec spec = deployment.getSpec().getTemplate().getSpec();
            // An optional Secret (the lab's device TLS credentials, made by hand) keeps no pod waiting.
            Stream<String> fromVolumes = spec.getVolumes().stream().filter(volume -> volume.getSecret() != null)
                    .filter(volume -> !Boolean.TRUE.equals(volume.getSecret().getOptional()))
                    .map(volume -> volume.getSecret().getSecretName());
            Stream<String> fromEnvironment = Stream.concat(spec.getContainers().stream(), spec.getInitContainers().stream())
                    .flatMap(container -> Stream.concat(
                            container.getEnv().stream().map(EnvVar::getValueFrom)
                                    .filter(from -> from != null && from.getSecretKeyRef() != null)
                                    .map(from -> from.getSecretKeyRef().getName()),
                            container.getEnvFrom().stream().filter(from -> from.getSecretRef() != null)
                                    .map(from -> from.getSecretRef().getName())));
            assertThat(Stream.concat(fromVolumes, fromEnvironment))
                    .as("Secrets used by Deployment %s", deployment.getMetadata().getName())
                    .allSatisfy(secret -> assertThat(created).contains(secret));
        }
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void directoriesTheServicesWriteAreVolumesOnTheReadOnlyRootFilesystem(String overlay) {
        for (ServicePod pod : ServicePod.all(Overlays.rendered(overlay))) {
            assertThat(pod.container().getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            Map<String, ServicePod.Value> environment = pod.environment();
            List<String> directories = new ArrayList<>(List.of("/tmp"));
            for (String key : pod.module().configKeys()) {
                if (!WRITABLE_DIRECTORY_KEY.matcher(key).matches()) {
                    continue;
                }
                ServicePod.Value variable = environment.get(EnvironmentVariables.of(key));
                String value = variable != null ? variable.literal() : pod.module().defaultValue(key).orElse(null);
                if (value != null) {
                    directories.add(value);
                }
            }
            for (String directory : directories) {
                assertThat(Path.of(directory).isAbsolute()).as("%s writes to %s, relative to the image's working "
                        + "directory on a read-only filesystem", pod.describe(), directory).isTrue();
                assertThat(pod.container().getVolumeMounts())
                        .as("%s writes to %s", pod.describe(), directory)
                        .anySatisfy(mount -> {
                            assertThat(Path.of(directory).startsWith(mount.getMountPath())).isTrue();
                            assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
                        });
            }
        }
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void fleetSimulatorsSeedTheirPeersWithThePackageAndSignatureTheRepositoryServes(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        ServicePod rollout = ServicePod.all(manifests).stream()
                .filter(pod -> pod.module().name().equals("rollout-service")).findFirst().orElseThrow();
        URI repository = URI.create(rollout.literal("PEERLIFT_ROLLOUT_REPOSITORY_PUBLIC_URL"));
        assertThat(repository.getHost()).isEqualTo(serviceOf(manifests, rollout.deployment()).getMetadata().getName());
        assertThat(repository.getPort()).isEqualTo(rollout.module().httpPort());

        for (ServicePod fleet : fleetSimulators(manifests)) {
            Path seed = Path.of(fleet.literal("PEERLIFT_FLEET_SEED_PACKAGE_FILE"));
            Path signature = Path.of(fleet.literal("PEERLIFT_FLEET_SEED_PACKAGE_SIGNATURE_FILE"));
            String release = repository + "/" + fleet.literal("PEERLIFT_FLEET_SEED_PACKAGE_APP") + "/"
                    + fleet.literal("PEERLIFT_FLEET_SEED_PACKAGE_VERSION");
            String payload = release + "/payload";
            assertThat(signature.getParent()).as("the seed's signature beside it").isEqualTo(seed.getParent());
            String seedVolume = fleet.container().getVolumeMounts().stream()
                    .filter(mount -> seed.getParent().equals(Path.of(mount.getMountPath()))).findFirst()
                    .orElseThrow(() -> new AssertionError("nothing is mounted at " + seed.getParent())).getName();
            assertThat(fleet.deployment().getSpec().getTemplate().getSpec().getInitContainers())
                    .as("an init container of %s that fetches %s into volume %s", fleet.describe(), payload, seedVolume)
                    .anySatisfy(init -> {
                        assertThat(init.getEnv()).anySatisfy(variable -> assertThat(variable.getValue()).isEqualTo(payload));
                        assertThat(init.getEnv()).anySatisfy(variable -> assertThat(variable.getValue())
                                .isEqualTo(release + "/signature"));
                        assertThat(init.getVolumeMounts()).anySatisfy(mount -> assertThat(mount.getName()).isEqualTo(seedVolume));
                        assertThat(String.join(" ", init.getCommand())).contains(seed.getFileName().toString(),
                                signature.getFileName().toString());
                    });
        }
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void theRepositoryAndTheSimulatedDevicesTrustTheOneReleaseKeyOfTheReleaseKeysConfigMap(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        List<ServicePod> verifying = ServicePod.all(manifests).stream()
                .filter(pod -> pod.module().name().equals("rollout-service") || pod.isFleetSimulator()).toList();
        assertThat(verifying).as("rollout-service and the fleet simulators").isNotEmpty();
        for (ServicePod pod : verifying) {
            String variable = pod.isFleetSimulator() ? "PEERLIFT_DEVICE_TRUSTED_RELEASE_KEYS"
                    : "PEERLIFT_ROLLOUT_REPOSITORY_TRUSTED_RELEASE_KEYS";
            String file = pod.literal(variable);
            assertThat(pod.configMapFileAt(file)).as("%s: what provides %s=%s", pod.describe(), variable, file)
                    .contains(new ServicePod.MountedFile(RELEASE_KEYS_CONFIG_MAP, "release-public.pem"));
        }
    }

    static List<ServicePod> fleetSimulators(Manifests manifests) {
        return ServicePod.all(manifests).stream().filter(ServicePod::isFleetSimulator).toList();
    }

    private static ContainerPort namedPort(ServicePod pod, String name) {
        return pod.container().getPorts().stream().filter(port -> name.equals(port.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(pod.describe() + " has no port named " + name));
    }

    private static void assertProbe(ServicePod pod, String kind, Probe probe, String path) {
        assertThat(probe).as("%s probe of %s", kind, pod.describe()).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as("%s probe of %s", kind, pod.describe()).isNotNull();
        assertThat(get.getPath()).as("%s probe path of %s", kind, pod.describe()).isEqualTo(path);
        Object port = get.getPort().getValue();
        assertThat(port).as("%s probe port of %s", kind, pod.describe())
                .isIn("http", pod.module().httpPort());
    }

    private static Service serviceOf(Manifests manifests, Deployment deployment) {
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        List<Service> services = manifests.all(Service.class).stream()
                .filter(service -> selects(service.getSpec().getSelector(), podLabels)).toList();
        assertThat(services).as("Services selecting the pods of %s", deployment.getMetadata().getName()).hasSize(1);
        return services.get(0);
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    private static boolean targets(ServicePort port, ContainerPort containerPort) {
        Object target = port.getTargetPort().getValue();
        return target.equals(containerPort.getName()) || target.equals(containerPort.getContainerPort());
    }

    private static void assertSecretFile(ServicePod pod, String path, String secret, String key) {
        SecretKeySelector file = pod.secretFileAt(path)
                .orElseThrow(() -> new AssertionError(pod.describe() + " mounts no Secret file at " + path));
        assertSecretKey(pod, file, secret, key);
    }

    private static void assertSecretKey(ServicePod pod, SecretKeySelector selector, String secret, String key) {
        assertThat(selector.getName() + "/" + selector.getKey()).as("Secret key used by %s", pod.describe())
                .isEqualTo(secret + "/" + key);
    }
}
