package io.peerlift.rollout.service;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.rollout.domain.Device;

import java.time.Instant;

/** How each event and config changes the inventory's view of a device. */
final class InventoryUpdates {

    private InventoryUpdates() {
    }

    static void apply(Device device, DeviceEvent event) {
        device.subnet = event.subnet();
        device.lastSeq = event.seq();
        device.updatedAt = Instant.now();
        if (event instanceof DeviceEvent.DeviceAnnounced e) {
            device.ip = e.ip();
            device.osVersion = e.osVersion();
            device.holdApps(e.apps());
            if (e.peerServer() != null) {
                device.peerRunning = e.peerServer().running();
                device.peerPort = e.peerServer().port();
                device.peerCapacity = e.peerServer().capacity();
            }
        } else if (event instanceof DeviceEvent.PeerServerStarted e) {
            device.ip = e.ip();
            device.peerRunning = true;
            device.peerPort = e.port();
            device.peerCapacity = e.capacity();
            device.holdApps(e.apps());
        } else if (event instanceof DeviceEvent.PeerServerStopped) {
            device.peerRunning = false;
        } else if (event instanceof DeviceEvent.UpgradeCompleted e) {
            device.osVersion = e.newOsVersion();
        }
        // Download and discovery events change the rollout's view of the device, not the inventory.
    }

    static void apply(Device device, DeviceConfig config) {
        device.configRevision = config.revision();
        device.folderId = config.folderId();
        device.folderPath = Device.encodeFolderPath(config.folderPath());
        device.osFamily = config.osFamily() == null ? null : config.osFamily().name();
        if (device.osVersion == null) {
            // The device's own events are the truth about its version; the config only fills the gap.
            device.osVersion = config.osVersion();
        }
        device.updatedAt = Instant.now();
    }
}
