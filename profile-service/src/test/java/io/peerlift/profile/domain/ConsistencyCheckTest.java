package io.peerlift.profile.domain;

import io.peerlift.events.OsFamily;
import io.peerlift.profile.domain.ConsistencyCheck.Candidate;
import io.peerlift.profile.domain.ConsistencyCheck.Result;
import io.peerlift.profile.domain.ConsistencyCheck.SubnetSummary;
import io.peerlift.profile.domain.ConsistencyProblem.Code;
import io.peerlift.profile.domain.ConsistencyProblem.Severity;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.peerlift.events.SettingKeys.DISCOVERY_ENABLED;
import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.DOWNLOAD_SERVER_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_ENABLED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_HTTPS_ENABLED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_HTTPS_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static io.peerlift.events.SettingKeys.WAN_WITHOUT_DISCOVERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The consistency rules alone, on configurations built by hand; subnet A is 10.0.1.0/24, B 10.0.2.0/24. */
class ConsistencyCheckTest {

    private static final String A = "10.0.1.0/24";
    private static final String B = "10.0.2.0/24";
    private static final long FOLDER = 5;
    private static final long ELSEWHERE = 9;

    private final List<Candidate> candidates = new ArrayList<>();

    @Test
    void theSeedsConfigurationIsConsistent() {
        peer("p1", A, true, Map.of());
        os11("c1", A, Map.of(), serving());
        os11("c2", A, Map.of(), serving());

        Result result = ConsistencyCheck.check(candidates);

        assertThat(result.problems()).isEmpty();
        assertThat(result.subnets()).containsExactly(new SubnetSummary(A, 2, 1, 0, 1, 2));
    }

    @Test
    void anOs11DeviceIsCheckedAgainstThePeersOfItsSubnetInAnotherFolder() {
        // The case: a sub-folder's profile sets discovery port 22403; the subnet's peers sit elsewhere.
        peer("p1", A, false, Map.of());
        os11("c1", A, Map.of(DISCOVERY_PORT, 22403), serving());
        os11("c2", A, Map.of(), serving());

        Result result = ConsistencyCheck.check(candidates);

        assertThat(result.problems()).extracting(ConsistencyProblem::code).containsExactly(Code.DISCOVERY_PORT_MISMATCH);
        ConsistencyProblem mismatch = result.problems().get(0);
        assertThat(mismatch.severity()).isEqualTo(Severity.ERROR);
        assertThat(mismatch.subnet()).isEqualTo(A);
        assertThat(mismatch.deviceIds()).containsExactly("c1");
        assertThat(mismatch.message()).isEqualTo("subnet 10.0.1.0/24: 1 OS 11 device(s) broadcast on "
                + "'update.discovery.port' = 22403 but the subnet's serving OS 12 peers (p1 in folder 9) answer on "
                + "'update.discovery.port' = 22336");
        assertThat(result.subnets()).containsExactly(new SubnetSummary(A, 2, 1, 1, 1, 2));
    }

    @Test
    void peersOfAnotherSubnetDoNotCount() {
        peer("p1", B, false, Map.of());
        os11("c1", A, Map.of(), Map.of(DISCOVERY_ENABLED, true));

        Result result = ConsistencyCheck.check(candidates);

        assertThat(result.problems()).extracting(ConsistencyProblem::code)
                .containsExactly(Code.NO_PEER_SERVER, Code.NOT_A_PEER_AFTER_UPGRADE);
        assertThat(result.problems().get(0).severity()).isEqualTo(Severity.ERROR);
        assertThat(result.problems().get(0).subnet()).isEqualTo(A);
        assertThat(result.subnets()).extracting(SubnetSummary::subnet).containsExactly(A);
    }

    @Test
    void aSubnetWithoutAPeerIsSeededFromTheWanWhenItsDevicesWillServeAndTheirFuturePortsMustMatch() {
        os11("c1", A, Map.of(), serving());
        os11("c2", A, Map.of(DOWNLOAD_SERVER_PORT, 22500), serving());
        os11("c3", B, Map.of(), Map.of(DISCOVERY_ENABLED, true, PEER_SERVER_ENABLED, true, DISCOVERY_PORT, 22400));

        Result result = ConsistencyCheck.check(candidates);

        assertThat(result.problems()).extracting(ConsistencyProblem::code, ConsistencyProblem::subnet).containsExactly(
                tuple(Code.DOWNLOAD_SERVER_PORT_MISMATCH, A),
                tuple(Code.DISCOVERY_PORT_MISMATCH, B),
                tuple(Code.WAN_SEED_NEEDED, A),
                tuple(Code.WAN_SEED_NEEDED, B));
        assertThat(result.problems().get(1).message()).isEqualTo("subnet 10.0.2.0/24: 1 OS 11 device(s) broadcast "
                + "on 'update.discovery.port' = 22336 but the subnet's devices, once upgraded with the OS 12 "
                + "configuration of their folders, answer on 'update.discovery.port' = 22400");
        assertThat(result.count(Severity.ERROR)).isEqualTo(2);
        assertThat(result.count(Severity.WARNING)).isEqualTo(2);
    }

    @Test
    void anOs11DeviceWithDiscoveryDisabledIsAnErrorAndNotCheckedFurther() {
        peer("p1", A, true, Map.of());
        os11("c1", A, Map.of(DISCOVERY_ENABLED, false, DISCOVERY_PORT, 22403), serving());

        Result result = ConsistencyCheck.check(candidates);

        assertThat(result.problems()).extracting(ConsistencyProblem::code).containsExactly(Code.DISCOVERY_DISABLED);
        assertThat(result.problems().get(0).message()).isEqualTo("1 OS 11 device(s) have 'update.discovery.enabled' "
                + "= false: they do not search for peers, so their downloads fail under PEER_THEN_WAN and PEER_ONLY "
                + "('peerlift.update.wan_without_discovery' = true lets PEER_THEN_WAN use the WAN instead)");
        assertThat(result.problems().get(0).severity()).isEqualTo(Severity.ERROR);
    }

    @Test
    void discoveryDisabledWithTheWanAllowedIsOnlyAWarningNamingTheWan() {
        peer("p1", A, true, Map.of());
        os11("c1", A, Map.of(DISCOVERY_ENABLED, false, WAN_WITHOUT_DISCOVERY, true), serving());
        os11("c2", A, Map.of(DISCOVERY_ENABLED, false), serving());
        os11("c3", A, Map.of(WAN_WITHOUT_DISCOVERY, true), serving());

        Result result = ConsistencyCheck.check(candidates);

        assertThat(result.problems()).extracting(ConsistencyProblem::code, ConsistencyProblem::severity,
                ConsistencyProblem::deviceIds).containsExactly(
                tuple(Code.DISCOVERY_DISABLED, Severity.ERROR, List.of("c2")),
                tuple(Code.WAN_WITHOUT_DISCOVERY, Severity.WARNING, List.of("c1")));
        assertThat(result.problems().get(1).message()).isEqualTo("1 OS 11 device(s) have 'update.discovery.enabled' "
                + "= false and 'peerlift.update.wan_without_discovery' = true: under PEER_THEN_WAN they download "
                + "straight from the WAN, under PEER_ONLY their downloads fail");
    }

    @Test
    void peersThatCannotServeDoNotCountAndAreReported() {
        peer("hidden", A, false, Map.of(DISCOVERY_ENABLED, false));
        candidates.add(new Candidate(config("old", OsFamily.OS12, "12.6.0", FOLDER, Map.of(DISCOVERY_ENABLED, true,
                PEER_SERVER_ENABLED, true)), A, true, null));
        os11("c1", A, Map.of(), serving());

        Result result = ConsistencyCheck.check(candidates);

        assertThat(result.problems()).extracting(ConsistencyProblem::code).containsExactly(Code.OS12_BELOW_MINIMUM,
                Code.PEER_NOT_DISCOVERABLE, Code.WAN_SEED_NEEDED);
        assertThat(result.problems().get(1).deviceIds()).containsExactly("hidden");
        assertThat(result.subnets()).containsExactly(new SubnetSummary(A, 1, 0, 0, 0, 1));
    }

    @Test
    void peersOfOneSubnetWithDifferentConnectionLimitsAreAWarningAndCapacityAddsUp() {
        peer("p1", A, true, Map.of(PEER_SERVER_LIMIT, 1));
        peer("p2", A, false, Map.of(PEER_SERVER_LIMIT, 4));
        os11("c1", A, Map.of(), serving());

        Result result = ConsistencyCheck.check(candidates);

        assertThat(result.problems()).extracting(ConsistencyProblem::code).containsExactly(Code.CONNECTION_LIMITS_DIFFER);
        assertThat(result.problems().get(0).severity()).isEqualTo(Severity.WARNING);
        assertThat(result.problems().get(0).deviceIds()).containsExactly("p1", "p2");
        assertThat(result.subnets()).containsExactly(new SubnetSummary(A, 1, 2, 1, 5, 1));
    }

    @Test
    void oldOs11DevicesAndCollidingPortsAreErrors() {
        peer("p1", A, true, Map.of());
        candidates.add(new Candidate(config("old", OsFamily.OS11, "11.10.100", FOLDER, Map.of(DISCOVERY_ENABLED,
                true)), A, true, config("old", OsFamily.OS12, "12.7.4", FOLDER, serving())));
        os11("c1", A, Map.of(DISCOVERY_PORT, 22335), serving());

        Result result = ConsistencyCheck.check(candidates);

        assertThat(result.problems()).extracting(ConsistencyProblem::code)
                .containsExactly(Code.OS11_BELOW_MINIMUM, Code.PORT_COLLISION);
    }

    @Test
    void httpsEnabledOnTheHttpOrDiscoveryPortIsAnErrorOfItsOwnAndTheDeviceStillServesHttp() {
        peer("clash-http", A, true, Map.of(PEER_SERVER_HTTPS_ENABLED, true, PEER_SERVER_HTTPS_PORT, 22335));
        peer("clash-discovery", A, true, Map.of(PEER_SERVER_HTTPS_ENABLED, true, PEER_SERVER_HTTPS_PORT, 22336));
        peer("fine", A, true, Map.of(PEER_SERVER_HTTPS_ENABLED, true));
        peer("off", A, true, Map.of(PEER_SERVER_HTTPS_PORT, 22335));
        os11("c1", A, Map.of(), serving());

        Result result = ConsistencyCheck.check(candidates);

        assertThat(result.problems()).extracting(ConsistencyProblem::code).containsExactly(Code.HTTPS_PORT_COLLISION);
        ConsistencyProblem clash = result.problems().get(0);
        assertThat(clash.severity()).isEqualTo(Severity.ERROR);
        assertThat(clash.deviceIds()).containsExactlyInAnyOrder("clash-http", "clash-discovery");
        assertThat(clash.message()).startsWith("2 OS 12 device(s) enable HTTPS on a port equal to their HTTP server "
                + "port or discovery port: 'peerlift.buddy_server.https_port' must differ");
        assertThat(result.subnets()).as("they still serve HTTP").containsExactly(new SubnetSummary(A, 1, 4, 0, 4, 1));
    }

    /** 100,000 devices in 2,000 subnets: the check groups them by subnet once (its speed belongs in a benchmark). */
    @Test
    void checksALargeFleetSubnetBySubnet() {
        for (int subnet = 0; subnet < 2000; subnet++) {
            String cidr = "10." + subnet / 250 + "." + subnet % 250 + ".0/24";
            peer("p" + subnet, cidr, false, Map.of());
            for (int host = 0; host < 49; host++) {
                os11("c" + subnet + "-" + host, cidr, host == 0 ? Map.of(DISCOVERY_PORT, 22403) : Map.of(), serving());
            }
        }

        Result result = ConsistencyCheck.check(candidates);

        assertThat(result.subnets()).hasSize(2000);
        assertThat(result.problems()).hasSize(2000).allMatch(p -> p.code() == Code.DISCOVERY_PORT_MISMATCH
                && p.deviceIds().size() == 1);
    }

    private void peer(String id, String subnet, boolean inFolder, Map<String, Object> overrides) {
        Map<String, Object> settings = new LinkedHashMap<>(serving());
        settings.putAll(overrides);
        candidates.add(new Candidate(config(id, OsFamily.OS12, "12.7.4", inFolder ? FOLDER : ELSEWHERE, settings),
                subnet, inFolder, null));
    }

    private void os11(String id, String subnet, Map<String, Object> overrides, Map<String, Object> afterUpgrade) {
        Map<String, Object> settings = new LinkedHashMap<>(Map.of(DISCOVERY_ENABLED, true));
        settings.putAll(overrides);
        candidates.add(new Candidate(config(id, OsFamily.OS11, "11.11.150", FOLDER, settings), subnet, true,
                config(id, OsFamily.OS12, "12.7.4", FOLDER, afterUpgrade)));
    }

    private static Map<String, Object> serving() {
        return Map.of(DISCOVERY_ENABLED, true, PEER_SERVER_ENABLED, true);
    }

    /** Every key of the family: the schema's defaults, then the given settings. */
    private static EffectiveConfig config(String id, OsFamily family, String version, long folder,
                                          Map<String, Object> settings) {
        SettingsSchema schema = SettingsSchema.of(family);
        Map<String, Object> all = new LinkedHashMap<>();
        schema.keys().forEach(key -> all.put(key, schema.defaultOf(key)));
        settings.forEach((key, value) -> {
            if (all.containsKey(key)) {
                all.put(key, value);
            }
        });
        return new EffectiveConfig(id, folder, List.of(1L, folder), family, version, all, Map.of(), null, null);
    }
}
