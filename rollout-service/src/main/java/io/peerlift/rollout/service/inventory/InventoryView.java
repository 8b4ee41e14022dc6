package io.peerlift.rollout.service.inventory;

import io.peerlift.events.AppRef;
import io.peerlift.events.EventCodec;
import io.peerlift.events.MaintenanceWindow;
import io.peerlift.rollout.domain.Device;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The inventory's view of a device, from its events and its config; {@code peerExpiredAt} is set while the
 * device no longer counts as a peer because it fell silent (no event since {@code lastEventAt});
 * {@code maintenanceWindow} is the one its folders give it (null: none), outside which it gets no new Upgrade.
 * {@code peerServerHttpsPort} is its HTTPS peer server's port (0: it serves no HTTPS), {@code peerServerHttpsDown}
 * why HTTPS does not run although its profile enables it.
 */
public record InventoryView(String deviceId, String subnet, String ip, String osVersion, String osFamily,
                            Long folderId, List<Long> folderPath, long lastSeq, long lastEpoch, long configRevision,
                            boolean peerServerRunning, int peerServerPort, int peerServerCapacity,
                            int peerServerHttpsPort, String peerServerHttpsDown,
                            List<AppRef> apps, Instant updatedAt, Instant lastEventAt, Instant peerExpiredAt,
                            MaintenanceWindow maintenanceWindow) {

    static InventoryView of(Device d) {
        List<Long> path = d.folderPath == null ? List.of() : Arrays.asList(d.folderPath);
        return new InventoryView(d.deviceId, d.subnet, d.ip, d.osVersion, d.osFamily, d.folderId, path, d.lastSeq,
                d.lastEpoch, d.configRevision, d.peerRunning, d.peerPort, d.peerCapacity, d.httpsPort, d.httpsDown,
                d.heldApps(), d.updatedAt, d.lastEventAt, d.peerExpiredAt, d.maintenanceWindow == null ? null
                        : EventCodec.decode(d.maintenanceWindow, MaintenanceWindow.class));
    }
}
