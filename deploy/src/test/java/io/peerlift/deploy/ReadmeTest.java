package io.peerlift.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/README.md tells how to build, apply and use what is here: its commands must fit the code. */
class ReadmeTest {

    private static final Pattern CURL_URL = Pattern.compile("http://localhost:(\\d+)(/[^\\s'\"?]*)");
    private static final Pattern CURL_METHOD = Pattern.compile("-X\\s+([A-Z]+)");

    private static String readme() throws IOException {
        return Files.readString(SourceTree.deployDir().resolve("README.md"));
    }

    @Test
    void documentsTheImageBuildTheManifestsExpect() throws IOException {
        String readme = readme();

        assertThat(readme).contains("-Dquarkus.container-image.build=true")
                .contains("-Dquarkus.container-image.group=" + ServicePod.IMAGE_GROUP);
        for (ServiceModule module : ServiceModule.all()) {
            assertThat(readme).contains(ServicePod.IMAGE_GROUP + "/" + module.imageName() + ":" + module.imageTag());
        }
    }

    @Test
    void appliesEveryOverlay() throws IOException {
        String readme = readme();

        Overlays.names().forEach(overlay -> assertThat(readme).contains("kubectl apply -k deploy/k8s/overlays/" + overlay));
        assertThat(readme).as("the release key ConfigMap the pods mount")
                .contains("kubectl -n peerlift-dev create configmap peerlift-release-keys --from-file=release-public.pem=");
    }

    @Test
    void everyCurlCommandCallsARouteTheServiceServes() throws IOException {
        List<String> calls = new ArrayList<>();
        for (String command : curlCommands(readme())) {
            Matcher method = CURL_METHOD.matcher(command);
            String verb = method.find() ? method.group(1) : "GET";
            Matcher url = CURL_URL.matcher(command);
            assertThat(url.find()).as("URL in `%s`", command).isTrue();
            ServiceModule module = ServiceModule.all().stream()
                    .filter(candidate -> candidate.httpPort() == Integer.parseInt(url.group(1))).findFirst()
                    .orElseThrow(() -> new AssertionError("no service listens on port " + url.group(1) + ": " + command));
            Set<RestRoutes.Route> routes = RestRoutes.of(SourceTree.repoDir().resolve(module.name()).resolve("src/main/java"));
            assertThat(routes).as("%s routes of %s for `%s`", verb, module.name(), command)
                    .anyMatch(route -> route.matches(verb, url.group(2)));
            calls.add(verb + " " + url.group(2));
        }
        assertThat(calls).as("curl calls in the README").hasSizeGreaterThanOrEqualTo(6);
    }

    /** Every curl command of the README, its continuation lines joined. */
    private static List<String> curlCommands(String readme) {
        String joined = readme.replace("\\\n", " ");
        List<String> commands = new ArrayList<>();
        Matcher curl = Pattern.compile("curl [^\n]*").matcher(joined);
        while (curl.find()) {
            commands.add(curl.group());
        }
        return commands;
    }
}
