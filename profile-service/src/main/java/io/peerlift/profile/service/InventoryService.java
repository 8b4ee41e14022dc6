package io.peerlift.profile.service;

import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DeviceEvent.DeviceAnnounced;
import io.peerlift.events.DeviceEvent.UpgradeCompleted;
import io.peerlift.events.OsVersion;
import io.peerlift.events.Subnet;
import io.peerlift.profile.domain.Device;
import io.peerlift.profile.domain.EffectiveConfig;
import io.peerlift.profile.domain.Folder;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.support.problem.NotFoundException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Parameters;
import io.peerlift.support.retry.TransientFailures;
import io.smallrye.faulttolerance.api.ApplyGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The device inventory: kept current from device events, read by operators. */
@ApplicationScoped
public class InventoryService {

    private static final Logger LOG = Logger.getLogger(InventoryService.class);

    @Inject
    ConfigPublisher publisher;

    @Transactional
    public List<Device> list(Long folderId, String subnet) {
        List<String> conditions = new ArrayList<>();
        Parameters parameters = new Parameters();
        if (folderId != null) {
            conditions.add("folderId = :folderId");
            parameters.and("folderId", folderId);
        }
        if (subnet != null) {
            conditions.add("subnet = :subnet");
            parameters.and("subnet", parseSubnet(subnet));
        }
        String where = conditions.isEmpty() ? "" : String.join(" and ", conditions) + " ";
        return Device.list(where + "order by id", parameters);
    }

    @Transactional
    public Device get(String id) {
        return Device.<Device>findByIdOptional(id)
                .orElseThrow(() -> new NotFoundException("device '" + id + "' does not exist"));
    }

    /** The configuration the device runs with, and the revision under which it was last published. */
    @Transactional
    public RevisedConfig effectiveConfig(String deviceId) {
        Device device = get(deviceId);
        return new RevisedConfig(ConfigurationSnapshot.load(List.of(device)).resolve(device), publisher.currentRevision(deviceId));
    }

    /** What a poll of events did to the inventory. */
    public record Applied(int applied, int skipped) {
    }

    /**
     * Applies a poll of device events in this transaction, each at most once: an event whose seq is not above
     * the last applied one of its device is a re-delivery (or stale) and changes nothing. Only announcements and
     * completed upgrades concern the inventory. A heartbeat that changes nothing costs one row update; the
     * configuration lock is taken only when an event changes a configuration (a new device, another OS
     * version), and then before the devices' rows, the order every configuration change takes them in.
     *
     * In a transaction of its own, retried for as long as it fails for a reason that may pass (a concurrent change
     * of the same device, a lock, the database away): the one policy of {@link TransientFailures}.
     *
     * @throws IllegalArgumentException when an event's content is invalid (it will never apply)
     */
    @ApplyGuard(TransientFailures.GUARD)
    public Applied apply(List<DeviceEvent> events) {
        return QuarkusTransaction.requiringNew().call(() -> applyInTransaction(events));
    }

    private Applied applyInTransaction(List<DeviceEvent> events) {
        List<DeviceEvent> relevant = events.stream()
                .filter(e -> e instanceof DeviceAnnounced || e instanceof UpgradeCompleted)
                .toList();
        relevant.forEach(InventoryService::validate);
        if (relevant.isEmpty()) {
            return new Applied(0, events.size());
        }
        Set<String> ids = relevant.stream().map(DeviceEvent::deviceId).collect(Collectors.toCollection(TreeSet::new));
        boolean changesConfigurations = changesConfigurations(relevant, Device.versions(ids));
        if (changesConfigurations) {
            publisher.lockConfiguration();
        }
        Map<String, Device> devices = Device.lock(ids);
        List<Device> changed = new ArrayList<>();
        int applied = 0;
        for (DeviceEvent event : relevant) {
            Device device = devices.get(event.deviceId());
            boolean configChanged;
            if (event instanceof DeviceAnnounced announced) {
                if (device != null && !announced.follows(device.lastEpoch, device.lastSeq)) {
                    continue;
                }
                configChanged = device == null || !normalised(announced.osVersion()).equals(device.osVersion);
                device = announce(device, announced);
                devices.put(device.id, device);
            } else {
                UpgradeCompleted upgraded = (UpgradeCompleted) event;
                if (device == null) {
                    LOG.warnf("ignoring %s of unknown device %s: it has not announced itself",
                            event.getClass().getSimpleName(), event.deviceId());
                    continue;
                }
                if (!upgraded.follows(device.lastEpoch, device.lastSeq)) {
                    continue;
                }
                configChanged = !normalised(upgraded.newOsVersion()).equals(device.osVersion);
                device.osVersion = normalised(upgraded.newOsVersion());
                device.lastSeen = upgraded.occurredAt();
                device.lastSeq = upgraded.seq();
                device.lastEpoch = upgraded.epoch();
            }
            applied++;
            if (configChanged) {
                if (!changesConfigurations) {
                    // Another transaction changed the device since it was read: take the locks in order again.
                    throw new ConcurrentChangeException("device " + device.id + " changed while its events were applied");
                }
                changed.add(device);
            }
        }
        if (changed.isEmpty()) {
            Device.flush();
        } else {
            publisher.publish(changed);
        }
        return new Applied(applied, events.size() - applied);
    }

    /** Whether an event creates a device or changes its OS version, and so its configuration. */
    private static boolean changesConfigurations(List<DeviceEvent> events, Map<String, String> versions) {
        Map<String, String> seen = new HashMap<>(versions);
        for (DeviceEvent event : events) {
            String version = event instanceof DeviceAnnounced a ? a.osVersion() : ((UpgradeCompleted) event).newOsVersion();
            String before = seen.put(event.deviceId(), normalised(version));
            if (before == null && event instanceof DeviceAnnounced || before != null && !before.equals(normalised(version))) {
                return true;
            }
        }
        return false;
    }

    private static Device announce(Device known, DeviceAnnounced event) {
        Device device = known;
        if (device == null) {
            device = new Device();
            device.id = event.deviceId();
            device.folderId = Folder.ROOT_ID;
        }
        device.ip = event.ip();
        device.subnet = Subnet.parse(event.subnet()).toString();
        device.osVersion = normalised(event.osVersion());
        device.lastSeen = event.occurredAt();
        device.lastSeq = event.seq();
        device.lastEpoch = event.epoch();
        if (known == null) {
            device.persist();
            LOG.infof("device %s (%s, OS %s) joined folder %d", device.id, device.ip, device.osVersion, Folder.ROOT_ID);
        }
        return device;
    }

    private static void validate(DeviceEvent event) {
        requireDeviceId(event);
        if (event instanceof DeviceAnnounced announced) {
            Subnet.parse(announced.subnet());
            OsVersion.parse(announced.osVersion());
            require(announced.ip(), "ip", event);
        } else if (event instanceof UpgradeCompleted upgraded) {
            OsVersion.parse(upgraded.newOsVersion());
        }
    }

    private static String normalised(String osVersion) {
        return OsVersion.parse(osVersion).toString();
    }

    /** A device changed between reading it and locking it; the transaction is retried. */
    public static final class ConcurrentChangeException extends RuntimeException {
        ConcurrentChangeException(String message) {
            super(message);
        }
    }

    private static String requireDeviceId(DeviceEvent event) {
        require(event.occurredAt(), "occurredAt", event);
        return require(event.deviceId() == null || event.deviceId().isBlank() ? null : event.deviceId(), "deviceId",
                event);
    }

    private static <T> T require(T value, String field, DeviceEvent event) {
        if (value == null) {
            throw new IllegalArgumentException(event.getClass().getSimpleName() + " " + event.eventId()
                    + " lacks " + field);
        }
        return value;
    }

    private static String parseSubnet(String subnet) {
        try {
            return Subnet.parse(subnet).toString();
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    /** An effective configuration and the revision under which it was last published. */
    public record RevisedConfig(EffectiveConfig config, long revision) {
    }
}
