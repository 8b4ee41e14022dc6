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
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * Applies a device event at most once: an event whose seq is not above the last applied one of its device is
     * a re-delivery (or stale) and changes nothing. Events other than announcements and completed upgrades do
     * not concern the inventory.
     *
     * @return whether the event changed the inventory
     * @throws IllegalArgumentException when the event's content is invalid (it will never apply)
     */
    @Transactional
    public boolean apply(DeviceEvent event) {
        if (event instanceof DeviceAnnounced || event instanceof UpgradeCompleted) {
            publisher.lockConfiguration();
        }
        if (event instanceof DeviceAnnounced announced) {
            return announce(announced);
        }
        if (event instanceof UpgradeCompleted upgraded) {
            return upgrade(upgraded);
        }
        return false;
    }

    private boolean announce(DeviceAnnounced event) {
        String subnet = Subnet.parse(event.subnet()).toString();
        String osVersion = OsVersion.parse(event.osVersion()).toString();
        require(event.ip(), "ip", event);
        Device device = Device.findById(requireDeviceId(event));
        boolean created = device == null;
        if (created) {
            device = new Device();
            device.id = event.deviceId();
            device.folderId = Folder.ROOT_ID;
        } else if (event.seq() <= device.lastSeq) {
            return false;
        }
        boolean configChanged = created || !osVersion.equals(device.osVersion);
        device.ip = event.ip();
        device.subnet = subnet;
        device.osVersion = osVersion;
        device.lastSeen = event.occurredAt();
        device.lastSeq = event.seq();
        if (created) {
            device.persist();
            LOG.infof("device %s (%s, OS %s) joined folder %d", device.id, device.ip, osVersion, Folder.ROOT_ID);
        }
        publishIf(configChanged, device);
        return true;
    }

    private boolean upgrade(UpgradeCompleted event) {
        String osVersion = OsVersion.parse(event.newOsVersion()).toString();
        Device device = Device.findById(requireDeviceId(event));
        if (device == null) {
            LOG.warnf("ignoring %s of unknown device %s: it has not announced itself", event.getClass().getSimpleName(),
                    event.deviceId());
            return false;
        }
        if (event.seq() <= device.lastSeq) {
            return false;
        }
        boolean configChanged = !osVersion.equals(device.osVersion);
        device.osVersion = osVersion;
        device.lastSeen = event.occurredAt();
        device.lastSeq = event.seq();
        publishIf(configChanged, device);
        return true;
    }

    /** Publishes the new configuration, or flushes so a concurrent change of the device fails here, not at commit. */
    private void publishIf(boolean configChanged, Device device) {
        if (configChanged) {
            publisher.publish(List.of(device));
        } else {
            Device.flush();
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
