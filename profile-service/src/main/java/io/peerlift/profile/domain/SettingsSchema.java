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
import static io.peerlift.events.SettingKeys.DEFAULT_PEER_SERVER_LIMIT;
import static io.peerlift.events.SettingKeys.DEFAULT_PEER_SERVER_PORT;
import static io.peerlift.events.SettingKeys.DISCOVERY_ENABLED;
import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.DOWNLOAD_SERVER_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_ENABLED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_PORT;

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
            Setting.port(DOWNLOAD_SERVER_PORT, DEFAULT_PEER_SERVER_PORT, Setting.OS11_REGISTRY)),
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
                    "registry key, in IGEL's Distributed Peer Update Server Configuration in IGEL OS 12"));

    /**
     * Rises whenever keys are renamed or defaults change, so that every device's configuration is published again
     * under the new schema ({@code ConfigReconciler}). 2: IGEL's key names.
     */
    public static final int VERSION = 2;

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

    /** A message when the two ports of a merged configuration collide, else null. */
    public String portCollision(Map<String, Object> effective) {
        Object discovery = effective.get(DISCOVERY_PORT);
        Object server = effective.get(serverPortKey);
        return discovery != null && discovery.equals(server)
                ? "'" + DISCOVERY_PORT + "' and '" + serverPortKey + "' must differ, both are " + discovery
                : null;
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

    private void checkPortsDiffer(Map<String, Object> valid, Map<String, Object> raw, List<String> violations) {
        boolean eitherSet = raw.containsKey(DISCOVERY_PORT) || raw.containsKey(serverPortKey);
        boolean bothValidOrDefault = (valid.containsKey(DISCOVERY_PORT) || !raw.containsKey(DISCOVERY_PORT))
                && (valid.containsKey(serverPortKey) || !raw.containsKey(serverPortKey));
        if (!eitherSet || !bothValidOrDefault) {
            return;
        }
        Object discovery = valid.getOrDefault(DISCOVERY_PORT, defaultOf(DISCOVERY_PORT));
        Object server = valid.getOrDefault(serverPortKey, defaultOf(serverPortKey));
        if (discovery.equals(server)) {
            violations.add("setting '" + DISCOVERY_PORT + "' = " + discovery + describeSource(valid, DISCOVERY_PORT)
                    + " must differ from '" + serverPortKey + "' = " + server + describeSource(valid, serverPortKey)
                    + ": a device cannot use one port for discovery and for peer downloads");
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
