package io.peerlift.profile.domain;

import io.peerlift.events.EventCodec;
import io.peerlift.events.OsFamily;
import io.peerlift.events.OsVersion;
import io.peerlift.events.SettingKeys;
import io.peerlift.support.problem.InvalidInputException;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static io.peerlift.events.SettingKeys.DEFAULT_DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.DEFAULT_PEER_SERVER_HTTPS_PORT;
import static io.peerlift.events.SettingKeys.DEFAULT_PEER_SERVER_LIMIT;
import static io.peerlift.events.SettingKeys.DEFAULT_PEER_SERVER_PORT;
import static io.peerlift.events.SettingKeys.DISCOVERY_ENABLED;
import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.DOWNLOAD_SERVER_PORT;
import static io.peerlift.events.SettingKeys.PEER_DOWNLOAD_HTTP_ALLOWED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_ENABLED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_HTTPS_ENABLED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_HTTPS_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_PORT;
import static io.peerlift.events.SettingKeys.WAN_WITHOUT_DISCOVERY;

/**
 * The update settings of each OS family: their types, ranges and defaults, where IGEL shows each one, the
 * version a profile must be based on, and the pair of ports that must differ (a device cannot listen for
 * discovery and serve on one port). Keys are IGEL's registry keys where IGEL documents one, else Peerlift's own
 * ({@link SettingKeys#PEERLIFT_PREFIX}).
 */
public enum SettingsSchema {

    OS11(OsFamily.OS11, "OS 11", OsVersion.MIN_OS11_SOURCE, DOWNLOAD_SERVER_PORT,
            Setting.bool(DISCOVERY_ENABLED, false, Setting.OS11_REGISTRY),
            Setting.port(DISCOVERY_PORT, DEFAULT_DISCOVERY_PORT, Setting.OS11_REGISTRY),
            Setting.port(DOWNLOAD_SERVER_PORT, DEFAULT_PEER_SERVER_PORT, Setting.OS11_REGISTRY),
            Setting.bool(PEER_DOWNLOAD_HTTP_ALLOWED, true, Setting.PEERLIFT_ONLY),
            Setting.bool(WAN_WITHOUT_DISCOVERY, false, Setting.PEERLIFT_WAN_WITHOUT_DISCOVERY)),
    OS12(OsFamily.OS12, "OS 12", OsVersion.MIN_OS12_TARGET, PEER_SERVER_PORT,
            Setting.bool(DISCOVERY_ENABLED, false, "System > Update > IGEL Discovery > "
                    + "Enable IGEL Discovery; the registry key is OS 11's"),
            Setting.port(DISCOVERY_PORT, DEFAULT_DISCOVERY_PORT, "System > Update > IGEL Discovery > "
                    + "Discovery Port; the registry key is OS 11's"),
            Setting.bool(PEER_SERVER_ENABLED, false, "System > Update > Distributed Peer Update Server > "
                    + "Enable HTTP Distributed Peer Update Server"),
            Setting.port(PEER_SERVER_PORT, DEFAULT_PEER_SERVER_PORT, "System > Update > Distributed Peer Update "
                    + "Server > Port of the HTTP Distributed Peer Update Server"),
            Setting.atLeast(PEER_SERVER_LIMIT, 1, DEFAULT_PEER_SERVER_LIMIT,
                    "registry key, in IGEL's Distributed Peer Update Server Configuration in IGEL OS 12"),
            Setting.bool(PEER_SERVER_HTTPS_ENABLED, false, "System > Update > Distributed Peer Update Server > "
                    + "Enable HTTPS Distributed Peer Update Server (IGEL OS 12.9)"),
            Setting.port(PEER_SERVER_HTTPS_PORT, DEFAULT_PEER_SERVER_HTTPS_PORT, "System > Update > Distributed "
                    + "Peer Update Server > Port of the HTTPS Distributed Peer Update Server (IGEL OS 12.9)"),
            Setting.bool(PEER_DOWNLOAD_HTTP_ALLOWED, true, Setting.PEERLIFT_ONLY),
            Setting.bool(WAN_WITHOUT_DISCOVERY, false, Setting.PEERLIFT_WAN_WITHOUT_DISCOVERY));

    /**
     * Rises whenever keys are renamed or defaults change, so that every device's configuration is published again
     * under the new schema ({@code ConfigReconciler}). 2: IGEL's key names. 3: the HTTPS peer keys.
     * 4: {@code peerlift.update.wan_without_discovery}.
     */
    public static final int VERSION = 4;

    /** Keys Peerlift used before it took IGEL's names: refused, naming the key to use instead. */
    private static final Map<String, String> RENAMED = Map.of(
            "update.peer_server.enabled", PEER_SERVER_ENABLED,
            "update.peer_server.port", PEER_SERVER_PORT,
            "update.peer_server.limit_of_connections", PEER_SERVER_LIMIT);

    private final OsFamily family;
    private final String displayName;
    private final OsVersion minimumBasedOn;
    private final String serverPortKey;
    private final Map<String, Setting> settings = new LinkedHashMap<>();

    SettingsSchema(OsFamily family, String displayName, OsVersion minimumBasedOn, String serverPortKey,
                   Setting... settings) {
        this.family = family;
        this.displayName = displayName;
        this.minimumBasedOn = minimumBasedOn;
        this.serverPortKey = serverPortKey;
        for (Setting setting : settings) {
            this.settings.put(setting.key(), setting);
        }
    }

    public static SettingsSchema of(OsFamily family) {
        return family == OsFamily.OS11 ? OS11 : OS12;
    }

    public OsFamily family() {
        return family;
    }

    /** "OS 11" or "OS 12", as operators read it. */
    public String displayName() {
        return displayName;
    }

    /** The keys of this family in a stable order. */
    public List<String> keys() {
        return List.copyOf(settings.keySet());
    }

    public Object defaultOf(String key) {
        return settings.get(key).defaultValue();
    }

    /** The settings of this family in a stable order, with their rules. */
    public List<Setting> settings() {
        return List.copyOf(settings.values());
    }

    /** The port peers of this family serve (OS 12) or download from (OS 11). */
    public String serverPortKey() {
        return serverPortKey;
    }

    /**
     * Checks a profile's version and settings.
     *
     * @return the settings with integers normalised, sorted by key
     * @throws InvalidInputException listing every violation, each naming the key, the value and the rule
     */
    public Map<String, Object> validate(String basedOnVersion, Map<String, Object> raw) {
        List<String> violations = new ArrayList<>();
        checkBasedOn(basedOnVersion, violations);
        return validSettings(raw, violations);
    }

    /**
     * Checks settings set outside a profile (a device's own configuration).
     *
     * @return the settings with integers normalised, sorted by key
     * @throws InvalidInputException listing every violation
     */
    public Map<String, Object> validate(Map<String, Object> raw) {
        return validSettings(raw, new ArrayList<>());
    }

    private Map<String, Object> validSettings(Map<String, Object> raw, List<String> violations) {
        Map<String, Object> valid = new TreeMap<>();
        raw.forEach((key, value) -> {
            Setting setting = settings.get(key);
            String renamed = RENAMED.get(key);
            if (setting != null) {
                setting.check(value, violations).ifPresent(v -> valid.put(key, v));
            } else if (renamed != null && settings.containsKey(renamed)) {
                violations.add("setting '" + key + "' is now named '" + renamed + "'"
                        + (SettingKeys.isPeerliftOwn(renamed) ? " (Peerlift's own key: IGEL documents no registry "
                        + "key for it)" : " (IGEL's registry key)") + "; send " + EventCodec.encode(value)
                        + " under the new name");
            } else {
                violations.add("unknown " + displayName + " setting '" + key + "' = " + EventCodec.encode(value)
                        + "; known settings: " + String.join(", ", settings.keySet()));
            }
        });
        checkPortsDiffer(valid, raw, violations);
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        return valid;
    }

    /** A message when the discovery and server ports of a merged configuration collide, else null. */
    public String portCollision(Map<String, Object> effective) {
        Object discovery = effective.get(DISCOVERY_PORT);
        Object server = effective.get(serverPortKey);
        return discovery != null && discovery.equals(server)
                ? "'" + DISCOVERY_PORT + "' and '" + serverPortKey + "' must differ, both are " + discovery
                : null;
    }

    /**
     * A message when a merged configuration enables the HTTPS peer server on the port of its HTTP server or of
     * discovery, else null (also for a family without HTTPS).
     */
    public String httpsPortCollision(Map<String, Object> effective) {
        if (!Boolean.TRUE.equals(effective.get(PEER_SERVER_HTTPS_ENABLED))) {
            return null;
        }
        Object https = effective.get(PEER_SERVER_HTTPS_PORT);
        for (String other : List.of(serverPortKey, DISCOVERY_PORT)) {
            if (https != null && https.equals(effective.get(other))) {
                return "'" + PEER_SERVER_HTTPS_PORT + "' and '" + other + "' must differ, both are " + https;
            }
        }
        return null;
    }

    private void checkBasedOn(String basedOnVersion, List<String> violations) {
        OsVersion version;
        try {
            version = OsVersion.parse(basedOnVersion);
        } catch (IllegalArgumentException e) {
            violations.add("basedOnVersion: " + e.getMessage());
            return;
        }
        if (version.family() != family) {
            violations.add(displayName + " profiles must be based on an " + displayName + " version, got " + version);
        } else if (version.isBelow(minimumBasedOn)) {
            violations.add(displayName + " profiles must be based on " + minimumBasedOn + " or higher, got " + version);
        }
    }

    /**
     * The ports a device listens on must differ: discovery and the server port always; the HTTPS port from both
     * once a profile sets it or enables HTTPS (a profile that never mentions HTTPS is not judged by its default).
     */
    private void checkPortsDiffer(Map<String, Object> valid, Map<String, Object> raw, List<String> violations) {
        checkPortsDiffer(DISCOVERY_PORT, serverPortKey, raw.containsKey(DISCOVERY_PORT)
                || raw.containsKey(serverPortKey), valid, raw, violations,
                "a device cannot use one port for discovery and for peer downloads");
        boolean httpsJudged = raw.containsKey(PEER_SERVER_HTTPS_PORT)
                || Boolean.TRUE.equals(raw.get(PEER_SERVER_HTTPS_ENABLED));
        if (settings.containsKey(PEER_SERVER_HTTPS_PORT) && httpsJudged) {
            for (String other : List.of(serverPortKey, DISCOVERY_PORT)) {
                checkPortsDiffer(PEER_SERVER_HTTPS_PORT, other, true, valid, raw, violations,
                        "the HTTPS peer update server needs a port of its own");
            }
        }
    }

    private void checkPortsDiffer(String first, String second, boolean judged, Map<String, Object> valid,
                                  Map<String, Object> raw, List<String> violations, String why) {
        boolean bothValidOrDefault = (valid.containsKey(first) || !raw.containsKey(first))
                && (valid.containsKey(second) || !raw.containsKey(second));
        if (!judged || !bothValidOrDefault) {
            return;
        }
        Object one = valid.getOrDefault(first, defaultOf(first));
        Object other = valid.getOrDefault(second, defaultOf(second));
        if (one.equals(other)) {
            violations.add("setting '" + first + "' = " + one + describeSource(valid, first) + " must differ from '"
                    + second + "' = " + other + describeSource(valid, second) + ": " + why);
        }
    }

    private static String describeSource(Map<String, Object> valid, String key) {
        return valid.containsKey(key) ? "" : " (its default)";
    }

    /**
     * One typed setting: booleans, or integers within [min, max].
     *
     * @param igelName where IGEL shows the setting: its registry key, or its setup page and label when IGEL
     *                 documents no registry key (then the key is Peerlift's own)
     */
    public record Setting(String key, Class<?> type, long min, long max, Object defaultValue, String rule,
                          String igelName) {

        /** Where IGEL documents the OS 11 keys. */
        static final String OS11_REGISTRY = "registry key, in the seed's IGEL OS 11 Configurations";
        /** A setting of Peerlift's downloaders that IGEL has no counterpart for. */
        static final String PEERLIFT_ONLY = "none: Peerlift's own (download from peers over plain HTTP when they "
                + "offer no verifiable HTTPS)";
        /** The WAN fallback of a device that cannot look for peers, which IGEL has no counterpart for. */
        static final String PEERLIFT_WAN_WITHOUT_DISCOVERY = "none: Peerlift's own (under PEER_THEN_WAN, a device "
                + "with discovery off downloads from the WAN instead of failing)";

        static Setting bool(String key, boolean defaultValue, String igelName) {
            return new Setting(key, Boolean.class, 0, 0, defaultValue, null, igelName);
        }

        static Setting port(String key, int defaultValue, String igelName) {
            return new Setting(key, Integer.class, 1, 65535, defaultValue, "a port must be between 1 and 65535",
                    igelName);
        }

        static Setting atLeast(String key, int min, int defaultValue, String igelName) {
            return new Setting(key, Integer.class, min, Integer.MAX_VALUE, defaultValue, "must be at least " + min,
                    igelName);
        }

        /** Whether the key is IGEL's registry key (else Peerlift's own). */
        public boolean igelKey() {
            return !SettingKeys.isPeerliftOwn(key);
        }

        Optional<Object> check(Object value, List<String> violations) {
            if (type == Boolean.class) {
                if (value instanceof Boolean) {
                    return Optional.of(value);
                }
                violations.add("setting '" + key + "' must be true or false, got " + render(value));
                return Optional.empty();
            }
            BigInteger whole = wholeNumber(value);
            if (whole == null) {
                violations.add("setting '" + key + "' must be a whole number, got " + render(value));
                return Optional.empty();
            }
            if (whole.compareTo(BigInteger.valueOf(min)) < 0 || whole.compareTo(BigInteger.valueOf(max)) > 0) {
                violations.add("setting '" + key + "' = " + whole + " is out of range: " + rule);
                return Optional.empty();
            }
            return Optional.of(whole.intValue());
        }

        private static BigInteger wholeNumber(Object value) {
            if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
                return BigInteger.valueOf(((Number) value).longValue());
            }
            if (value instanceof BigInteger big) {
                return big;
            }
            return null;
        }

        /** The value as it appeared in the request's JSON, so "22336" (a string) reads differently from 22336. */
        private static String render(Object value) {
            return EventCodec.encode(value);
        }
    }
}
