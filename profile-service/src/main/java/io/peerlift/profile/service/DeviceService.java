package io.peerlift.profile.service;

import io.peerlift.profile.domain.Device;
import io.peerlift.profile.domain.DeviceSettings;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.profile.domain.ProfileAssignment;
import io.peerlift.profile.domain.SettingsSchema;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An operator's changes to one device: its own configuration, its deletion. */
@ApplicationScoped
public class DeviceService {

    private final ConfigPublisher publisher;
    private final InventoryService inventory;

    DeviceService(ConfigPublisher publisher, InventoryService inventory) {
        this.publisher = publisher;
        this.inventory = inventory;
    }

    @Transactional
    public OwnSettings ownSettings(String deviceId) {
        return new OwnSettings(inventory.get(deviceId), DeviceSettings.findById(deviceId));
    }

    /**
     * Replaces the device's own configuration, checked against the OS family it runs now; empty settings remove
     * it. Profiles still override every key they set.
     *
     * @return the device and what is stored now
     */
    @Transactional
    public OwnSettings replaceOwnSettings(String deviceId, Map<String, Object> settings) {
        if (settings == null) {
            throw new InvalidInputException("settings is required: an object of settings keys, {} to remove them");
        }
        publisher.lockConfiguration();
        Device device = inventory.get(deviceId);
        Map<String, Object> valid = SettingsSchema.of(device.osFamily()).validate(settings);
        DeviceSettings own = DeviceSettings.findById(deviceId);
        if (valid.isEmpty()) {
            if (own != null) {
                own.delete();
            }
            own = null;
        } else {
            if (own == null) {
                own = new DeviceSettings();
                own.deviceId = deviceId;
            }
            own.osFamily = device.osFamily();
            own.settings = valid;
            own.updatedAt = Instant.now();
            own.persist();
        }
        publisher.publish(List.of(device));
        return new OwnSettings(device, own);
    }

    /**
     * Deletes the device, its own configuration and the profile assignments made directly to it, and publishes
     * its tombstone. Its configuration revision is kept, so that if it announces itself again its next
     * configuration is accepted by consumers that still hold the old one.
     */
    @Transactional
    public void delete(String deviceId) {
        publisher.lockConfiguration();
        Device device = inventory.get(deviceId);
        DeviceSettings.deleteById(deviceId);
        ProfileAssignment.delete("deviceId", deviceId);
        device.delete();
        publisher.forget(deviceId);
    }

    /** A device and its own configuration, null when it has none. */
    public record OwnSettings(Device device, DeviceSettings settings) {
    }
}
