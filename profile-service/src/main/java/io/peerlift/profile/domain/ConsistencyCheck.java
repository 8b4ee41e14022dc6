package io.peerlift.profile.domain;

import io.peerlift.events.OsFamily;
import io.peerlift.events.OsVersion;
import io.peerlift.profile.domain.ConsistencyProblem.Code;
import io.peerlift.profile.domain.ConsistencyProblem.Severity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.peerlift.events.SettingKeys.DISCOVERY_ENABLED;
import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.DOWNLOAD_SERVER_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_ENABLED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_HTTPS_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_PORT;
import static io.peerlift.events.SettingKeys.WAN_WITHOUT_DISCOVERY;

/**
 * Finds what would stop the peer upgrade of a folder tree's devices, from effective configurations: the seed's
 * requirements (versions, discovery on, the same ports on both families, an OS 12 peer serving). Discovery
 * works within a subnet, so every OS 11 device of the tree is checked against the OS 12 devices of its own
 * subnet wherever they sit in the folder tree, and, where none serves yet, against the configuration the
 * subnet's OS 11 devices will serve with once upgraded. Linear in the devices: grouped by subnet once, each
 * subnet's ports compared as sets.
 */
public final class ConsistencyCheck {

    /** Device ids a message names before it only counts the rest. */
    private static final int NAMED = 3;

    private ConsistencyCheck() {
    }

    /**
     * A device the check looks at.
     *
     * @param inFolder     whether it is in the checked folder tree; else an OS 12 device of one of its subnets
     * @param afterUpgrade for an OS 11 device of the tree, the OS 12 configuration its folders will give it once
     *                     upgraded; else null
     */
    public record Candidate(EffectiveConfig config, String subnet, boolean inFolder, EffectiveConfig afterUpgrade) {
    }

    /**
     * What will serve the OS 11 devices of the tree in one subnet.
     *
     * @param peerServers        OS 12 devices of the subnet serving now, in the tree or elsewhere
     * @param connectionCapacity parallel downloads those servers accept together
     * @param peersAfterUpgrade  OS 11 devices of the tree that will serve once upgraded
     */
    public record SubnetSummary(String subnet, int os11Devices, int peerServers, int peerServersOutsideFolder,
                                int connectionCapacity, int peersAfterUpgrade) {
    }

    /** The problems, errors first, and one summary per subnet holding OS 11 devices of the tree. */
    public record Result(List<ConsistencyProblem> problems, List<SubnetSummary> subnets) {

        public long count(Severity severity) {
            return problems.stream().filter(p -> p.severity() == severity).count();
        }
    }

    public static Result check(Collection<Candidate> candidates) {
        List<Candidate> os11 = candidates.stream().filter(c -> c.inFolder() && family(c) == OsFamily.OS11).toList();
        List<Candidate> os12 = candidates.stream().filter(c -> family(c) == OsFamily.OS12).toList();
        List<ConsistencyProblem> problems = new ArrayList<>();
        addIfAny(problems, Code.OS11_BELOW_MINIMUM, os11, c -> below(c.config(), OsVersion.MIN_OS11_SOURCE),
                "OS 11 device(s) run a version below " + OsVersion.MIN_OS11_SOURCE
                        + " and cannot take part in a peer upgrade");
        addIfAny(problems, Code.DISCOVERY_DISABLED, os11, c -> !c.config().bool(DISCOVERY_ENABLED)
                        && !c.config().bool(WAN_WITHOUT_DISCOVERY),
                "OS 11 device(s) have '" + DISCOVERY_ENABLED + "' = false: they do not search for peers, so their "
                        + "downloads fail under PEER_THEN_WAN and PEER_ONLY ('" + WAN_WITHOUT_DISCOVERY
                        + "' = true lets PEER_THEN_WAN use the WAN instead)");
        addIfAny(problems, Code.WAN_WITHOUT_DISCOVERY, os11, c -> !c.config().bool(DISCOVERY_ENABLED)
                        && c.config().bool(WAN_WITHOUT_DISCOVERY),
                "OS 11 device(s) have '" + DISCOVERY_ENABLED + "' = false and '" + WAN_WITHOUT_DISCOVERY
                        + "' = true: under PEER_THEN_WAN they download straight from the WAN, under PEER_ONLY "
                        + "their downloads fail");
        addIfAny(problems, Code.PORT_COLLISION, candidates, c -> collides(c.config()),
                "device(s) have the discovery port equal to the server port: '" + DISCOVERY_PORT + "' must differ "
                        + "from '" + PEER_SERVER_PORT + "' (OS 12) and '" + DOWNLOAD_SERVER_PORT + "' (OS 11)");
        addIfAny(problems, Code.HTTPS_PORT_COLLISION, os12, c -> httpsCollides(c.config()),
                "OS 12 device(s) enable HTTPS on a port equal to their HTTP server port or discovery port: '"
                        + PEER_SERVER_HTTPS_PORT + "' must differ from '" + PEER_SERVER_PORT + "' and '"
                        + DISCOVERY_PORT + "'; they serve HTTP only");
        addIfAny(problems, Code.OS12_BELOW_MINIMUM, os12, c -> c.inFolder()
                        && below(c.config(), OsVersion.MIN_OS12_TARGET),
                "OS 12 device(s) run a version below " + OsVersion.MIN_OS12_TARGET
                        + " and cannot act as peer update servers");
        addIfAny(problems, Code.PEER_NOT_DISCOVERABLE, os12, c -> c.config().bool(PEER_SERVER_ENABLED)
                        && !c.config().bool(DISCOVERY_ENABLED),
                "OS 12 device(s) have '" + PEER_SERVER_ENABLED + "' = true but '" + DISCOVERY_ENABLED + "' = false: "
                        + "they do not answer discovery, so no OS 11 device finds them");
        addIfAny(problems, Code.NOT_A_PEER_AFTER_UPGRADE, os11, c -> eligible(c) && !serves(c.afterUpgrade()),
                "OS 11 device(s) will not serve their subnet after the upgrade: the OS 12 configuration of their "
                        + "folders leaves '" + PEER_SERVER_ENABLED + "' or '" + DISCOVERY_ENABLED + "' false "
                        + "(the seed assigns the OS 12 peer profile to their folder)");

        List<SubnetSummary> subnets = new ArrayList<>();
        Map<String, List<Candidate>> bySubnet = candidates.stream()
                .collect(Collectors.groupingBy(Candidate::subnet, TreeMap::new, Collectors.toList()));
        bySubnet.forEach((subnet, members) -> checkSubnet(subnet, members, problems).ifPresent(subnets::add));
        problems.sort(Comparator.comparing(ConsistencyProblem::severity));
        return new Result(List.copyOf(problems), List.copyOf(subnets));
    }

    private static Optional<SubnetSummary> checkSubnet(String subnet, List<Candidate> members,
                                                       List<ConsistencyProblem> problems) {
        List<Candidate> os11 = members.stream().filter(c -> c.inFolder() && family(c) == OsFamily.OS11).toList();
        if (os11.isEmpty()) {
            return Optional.empty();
        }
        List<Candidate> clients = os11.stream().filter(ConsistencyCheck::eligible).toList();
        List<Candidate> servers = members.stream().filter(c -> family(c) == OsFamily.OS12 && serves(c.config()))
                .toList();
        List<Candidate> future = clients.stream().filter(c -> serves(c.afterUpgrade())).toList();
        if (!clients.isEmpty()) {
            if (!servers.isEmpty()) {
                checkPeers(problems, subnet, clients, servers.stream().map(Candidate::config).toList(),
                        "the subnet's serving OS 12 peers (" + named(servers.stream()
                                .map(s -> s.config().deviceId() + " in folder " + s.config().folderId()).toList())
                                + ")");
            } else if (!future.isEmpty()) {
                problems.add(ConsistencyProblem.of(Code.WAN_SEED_NEEDED, subnet, "subnet " + subnet + " has no "
                        + "serving OS 12 peer yet: one of its " + clients.size() + " OS 11 device(s) downloads from "
                        + "the WAN, then serves the others", ids(clients)));
                checkPeers(problems, subnet, clients, future.stream().map(Candidate::afterUpgrade).toList(),
                        "the subnet's devices, once upgraded with the OS 12 configuration of their folders,");
            } else {
                problems.add(ConsistencyProblem.of(Code.NO_PEER_SERVER, subnet, "subnet " + subnet + ": no OS 12 "
                        + "device at " + OsVersion.MIN_OS12_TARGET + " or higher serves (" + PEER_SERVER_ENABLED
                        + " and " + DISCOVERY_ENABLED + " true), and none of its " + clients.size() + " OS 11 "
                        + "device(s) will after the upgrade, so every one of them needs the WAN", ids(clients)));
            }
        }
        int capacity = servers.stream().mapToInt(s -> s.config().integer(PEER_SERVER_LIMIT)).sum();
        int outside = (int) servers.stream().filter(s -> !s.inFolder()).count();
        return Optional.of(new SubnetSummary(subnet, os11.size(), servers.size(), outside, capacity, future.size()));
    }

    /** The ports of the OS 11 clients against the peers', and the peers' connection limits against each other. */
    private static void checkPeers(List<ConsistencyProblem> problems, String subnet, List<Candidate> clients,
                                   List<EffectiveConfig> peers, String peersAre) {
        addPortMismatches(problems, Code.DISCOVERY_PORT_MISMATCH, subnet, clients, DISCOVERY_PORT, "broadcast on",
                peers, DISCOVERY_PORT, peersAre, "answer on");
        addPortMismatches(problems, Code.DOWNLOAD_SERVER_PORT_MISMATCH, subnet, clients, DOWNLOAD_SERVER_PORT,
                "download from", peers, PEER_SERVER_PORT, peersAre, "serve on");
        Set<Integer> limits = peers.stream().map(p -> p.integer(PEER_SERVER_LIMIT))
                .collect(Collectors.toCollection(TreeSet::new));
        if (limits.size() > 1) {
            problems.add(ConsistencyProblem.of(Code.CONNECTION_LIMITS_DIFFER, subnet, "subnet " + subnet + ": "
                    + peersAre + " accept " + join(limits) + " parallel downloads ('" + PEER_SERVER_LIMIT + "'); "
                    + "the seed configures every peer alike", peers.stream().map(EffectiveConfig::deviceId)
                    .sorted().toList()));
        }
    }

    /** One problem per port value of the clients that no peer uses. */
    private static void addPortMismatches(List<ConsistencyProblem> problems, Code code, String subnet,
                                          List<Candidate> clients, String clientKey, String clientVerb,
                                          List<EffectiveConfig> peers, String peerKey, String peersAre,
                                          String peerVerb) {
        Set<Integer> peerPorts = peers.stream().map(c -> c.integer(peerKey))
                .collect(Collectors.toCollection(TreeSet::new));
        Map<Integer, List<String>> strayByPort = clients.stream()
                .filter(c -> !peerPorts.contains(c.config().integer(clientKey)))
                .collect(Collectors.groupingBy(c -> c.config().integer(clientKey), TreeMap::new,
                        Collectors.mapping(c -> c.config().deviceId(), Collectors.toList())));
        strayByPort.forEach((port, deviceIds) -> problems.add(ConsistencyProblem.of(code, subnet, "subnet " + subnet
                + ": " + deviceIds.size() + " OS 11 device(s) " + clientVerb + " '" + clientKey + "' = " + port
                + " but " + peersAre + " " + peerVerb + " '" + peerKey + "' = " + join(peerPorts),
                deviceIds.stream().sorted().toList())));
    }

    private static void addIfAny(List<ConsistencyProblem> problems, Code code, Collection<Candidate> candidates,
                                 Predicate<Candidate> affected, String message) {
        List<String> deviceIds = ids(candidates.stream().filter(affected).toList());
        if (!deviceIds.isEmpty()) {
            problems.add(ConsistencyProblem.of(code, null, deviceIds.size() + " " + message, deviceIds));
        }
    }

    /** An OS 11 device that will look for peers: recent enough, discovery on, ports apart. */
    private static boolean eligible(Candidate os11) {
        EffectiveConfig config = os11.config();
        return !below(config, OsVersion.MIN_OS11_SOURCE) && config.bool(DISCOVERY_ENABLED) && !collides(config);
    }

    /** An OS 12 configuration that serves peers its subnet can find. */
    private static boolean serves(EffectiveConfig config) {
        return config != null && config.osFamily() == OsFamily.OS12 && !below(config, OsVersion.MIN_OS12_TARGET)
                && config.bool(PEER_SERVER_ENABLED) && config.bool(DISCOVERY_ENABLED) && !collides(config);
    }

    private static boolean collides(EffectiveConfig config) {
        return SettingsSchema.of(config.osFamily()).portCollision(config.settings()) != null;
    }

    private static boolean httpsCollides(EffectiveConfig config) {
        return SettingsSchema.of(config.osFamily()).httpsPortCollision(config.settings()) != null;
    }

    private static OsFamily family(Candidate candidate) {
        return candidate.config().osFamily();
    }

    private static boolean below(EffectiveConfig config, OsVersion minimum) {
        return OsVersion.parse(config.osVersion()).isBelow(minimum);
    }

    private static List<String> ids(List<Candidate> candidates) {
        return candidates.stream().map(c -> c.config().deviceId()).sorted().toList();
    }

    private static String named(List<String> names) {
        List<String> sorted = names.stream().sorted().toList();
        return String.join(", ", sorted.subList(0, Math.min(NAMED, sorted.size())))
                + (sorted.size() > NAMED ? " and " + (sorted.size() - NAMED) + " more" : "");
    }

    private static String join(Set<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(" or "));
    }
}
