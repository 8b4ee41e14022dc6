package io.peerlift.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** The source scanners the manifest checks rely on, on sources written for the purpose. */
class SourceScanningTest {

    @Test
    void commentsGoLiteralsStay() {
        assertThat(JavaSources.withoutComments("""
                int a; // gone "not a string
                /* gone
                   too */ String url = "http://x/*y*/"; char q = '"'; String e = "a\\"b // c";
                """)).doesNotContain("gone").contains("\"http://x/*y*/\"").contains("'\"'").contains("\"a\\\"b // c\"");
    }

    @Test
    void configMappingKeysFollowNestedGroupsNamesAndDefaults(@TempDir Path sources) throws IOException {
        Files.writeString(sources.resolve("FleetConfig.java"), """
                @ConfigMapping(prefix = "peerlift.fleet")
                public interface FleetConfig {
                    @WithDefault("1")
                    int subnets();

                    /** Every device of a subnet. */
                    @WithDefault("10")
                    int devicesPerSubnet();

                    SeedPackage seedPackage();

                    @WithName("url")
                    @WithDefault("http://127.0.0.1:8083/api/apps")
                    String repositoryUrl();

                    Map<String, Link> links();

                    default int total() {
                        return subnets() * devicesPerSubnet();
                    }

                    interface SeedPackage {
                        Optional<Path> file();
                    }

                    interface Link {
                        @WithDefault("0")
                        long rate();
                    }
                }
                """);
        Files.writeString(sources.resolve("Other.java"), """
                class Other {
                    @ConfigProperty(name = "peerlift.other.flag") boolean flag;
                }
                """);

        Map<String, String> keys = ConfigMappings.keys(sources);

        assertThat(keys).containsOnly(
                entry("peerlift.fleet.subnets", "1"),
                entry("peerlift.fleet.devices-per-subnet", "10"),
                entry("peerlift.fleet.seed-package.file", null),
                entry("peerlift.fleet.url", "http://127.0.0.1:8083/api/apps"),
                entry("peerlift.fleet.links.*.rate", "0"),
                entry("peerlift.other.flag", null));
    }

    @Test
    void environmentVariablesMapAsSmallRyeConfigMapsThem() {
        assertThat(EnvironmentVariables.of("peerlift.fleet.seed-package.file")).isEqualTo("PEERLIFT_FLEET_SEED_PACKAGE_FILE");
        assertThat(EnvironmentVariables.setsOneOf("PEERLIFT_FLEET_LINKS_S1_RATE", Set.of("peerlift.fleet.links.*.rate")))
                .isTrue();
        assertThat(EnvironmentVariables.setsOneOf("PEERLIFT_FLEET_SUBNET", Set.of("peerlift.fleet.subnets")))
                .isFalse();
        assertThat(EnvironmentVariables.isKafkaClientConfig("KAFKA_SSL_TRUSTSTORE_LOCATION")).isTrue();
        assertThat(EnvironmentVariables.isKafkaClientConfig("KAFKA_SSL_TRUSTSTORE_LOCATON")).isFalse();
    }

    @Test
    void restRoutesJoinClassAndMethodPaths(@TempDir Path sources) throws IOException {
        Files.writeString(sources.resolve("FolderResource.java"), """
                @Path("/api/folders")
                public class FolderResource {
                    @POST
                    @Operation(summary = "Create a folder {name}")
                    public Response create(Request request) { if (x) { return y; } return z; }

                    @GET
                    @Path("/{id}/devices")
                    @APIResponse(content = @Content(examples = {@ExampleObject(value = "{}")}))
                    public List<Device> devices(@PathParam("id") long id) { return List.of(); }
                }
                """);

        assertThat(RestRoutes.of(sources)).containsExactlyInAnyOrder(
                new RestRoutes.Route("POST", "/api/folders"),
                new RestRoutes.Route("GET", "/api/folders/{id}/devices"));
        assertThat(new RestRoutes.Route("GET", "/api/folders/{id}/devices").matches("GET", "/api/folders/$FOLDER/devices"))
                .isTrue();
        assertThat(new RestRoutes.Route("GET", "/api/folders/{id}/devices").matches("POST", "/api/folders/1/devices"))
                .isFalse();
    }
}
