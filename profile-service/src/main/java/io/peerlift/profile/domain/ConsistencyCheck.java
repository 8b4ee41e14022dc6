package io.peerlift.profile.domain;

import io.peerlift.events.OsFamily;
import io.peerlift.events.OsVersion;
import io.peerlift.profile.domain.ConsistencyProblem.Code;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.peerlift.events.SettingKeys.DISCOVERY_ENABLED;
import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.DOWNLOAD_SERVER_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_ENABLED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_PORT;

/**
 * Finds what would stop a peer upgrade among the devices of a folder tree, from their effective configurations:
 * the seed's requirements (versions, discovery on, the same ports on both families, an OS 12 peer serving).
 */
public final class ConsistencyCheck {

    private ConsistencyCheck() {
    }

    public static List<ConsistencyProblem> check(Collection<EffectiveConfig> configs) {
        List<EffectiveConfig> os11 = ofFamily(configs, OsFamily.OS11);
        List<EffectiveConfig> os12 = ofFamily(configs, OsFamily.OS12);
        List<EffectiveConfig> servers = os12.stream()
                .filter(c -> c.bool(PEER_SERVER_ENABLED) && !belowMinimum(c, OsVersion.MIN_OS12_TARGET))
                .toList();
        // OS 11 devices must match the ports of the peers that serve; when none serves, of any OS 12 device.
        List<EffectiveConfig> peers = servers.isEmpty() ? os12 : servers;

        List<ConsistencyProblem> problems = new ArrayList<>();
        addIfAny(problems, Code.OS11_BELOW_MINIMUM, os11, c -> belowMinimum(c, OsVersion.MIN_OS11_SOURCE),
                "OS 11 devices below " + OsVersion.MIN_OS11_SOURCE + " cannot take part in a peer upgrade");
        addIfAny(problems, Code.OS12_BELOW_MINIMUM, os12, c -> belowMinimum(c, OsVersion.MIN_OS12_TARGET),
                "OS 12 devices below " + OsVersion.MIN_OS12_TARGET + " cannot act as peer update servers");
        addIfAny(problems, Code.DISCOVERY_DISABLED, configs, c -> !c.bool(DISCOVERY_ENABLED),
                DISCOVERY_ENABLED + " is false: OS 11 devices do not search for peers, OS 12 devices do not answer");
        if (servers.isEmpty()) {
            problems.add(new ConsistencyProblem(Code.NO_PEER_SERVER, "no OS 12 device at "
                    + OsVersion.MIN_OS12_TARGET + " or higher has " + PEER_SERVER_ENABLED
                    + " = true, so OS 11 devices find no peer to download from", List.of()));
        }
        addPortMismatches(problems, Code.DISCOVERY_PORT_MISMATCH, os11, DISCOVERY_PORT, peers, DISCOVERY_PORT);
        addPortMismatches(problems, Code.DOWNLOAD_SERVER_PORT_MISMATCH, os11, DOWNLOAD_SERVER_PORT, peers,
                PEER_SERVER_PORT);
        addIfAny(problems, Code.PORT_COLLISION, configs,
                c -> SettingsSchema.of(c.osFamily()).portCollision(c.settings()) != null,
                "the discovery port equals the server port: '" + DISCOVERY_PORT + "' must differ from '"
                        + PEER_SERVER_PORT + "' (OS 12) and '" + DOWNLOAD_SERVER_PORT + "' (OS 11)");
        return problems;
    }

    private static List<EffectiveConfig> ofFamily(Collection<EffectiveConfig> configs, OsFamily family) {
        return configs.stream().filter(c -> c.osFamily() == family).toList();
    }

    private static boolean belowMinimum(EffectiveConfig config, OsVersion minimum) {
        return OsVersion.parse(config.osVersion()).isBelow(minimum);
    }

    private static void addIfAny(List<ConsistencyProblem> problems, Code code, Collection<EffectiveConfig> configs,
                                 Predicate<EffectiveConfig> affected, String message) {
        List<String> deviceIds = configs.stream().filter(affected).map(EffectiveConfig::deviceId).sorted().toList();
        if (!deviceIds.isEmpty()) {
            problems.add(new ConsistencyProblem(code, deviceIds.size() + " device(s): " + message, deviceIds));
        }
    }

    /** One problem per port value of the OS 11 devices that no peer uses. */
    private static void addPortMismatches(List<ConsistencyProblem> problems, Code code, List<EffectiveConfig> os11,
                                          String os11Key, List<EffectiveConfig> peers, String peerKey) {
        if (peers.isEmpty()) {
            return;
        }
        Set<Integer> peerPorts = peers.stream().map(c -> c.integer(peerKey))
                .collect(Collectors.toCollection(TreeSet::new));
        Map<Integer, List<String>> strayByPort = new TreeMap<>(os11.stream()
                .filter(c -> !peerPorts.contains(c.integer(os11Key)))
                .collect(Collectors.groupingBy(c -> c.integer(os11Key),
                        Collectors.mapping(EffectiveConfig::deviceId, Collectors.toList()))));
        strayByPort.forEach((port, deviceIds) -> problems.add(new ConsistencyProblem(code,
                deviceIds.size() + " OS 11 device(s) have '" + os11Key + "' = " + port + " but the OS 12 peers' '"
                        + peerKey + "' is "
                        + peerPorts.stream().map(String::valueOf).collect(Collectors.joining(" or ")),
                deviceIds.stream().sorted().toList())));
    }
}
