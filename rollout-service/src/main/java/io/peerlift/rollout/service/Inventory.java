package io.peerlift.rollout.service;

import io.peerlift.rollout.domain.Device;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;

/** Reads the device inventory. */
@ApplicationScoped
public class Inventory {

    @Transactional
    public List<InventoryView> list(String subnet) {
        List<Device> devices = subnet == null || subnet.isBlank()
                ? Device.list("order by deviceId")
                : Device.list("subnet = ?1 order by deviceId", subnet);
        return devices.stream().map(InventoryView::of).toList();
    }

    @Transactional
    public InventoryView get(String deviceId) {
        Device device = Device.findById(deviceId);
        if (device == null) {
            throw ProblemException.notFound("device " + deviceId + " is not in the inventory: neither an event nor"
                    + " a config of it has arrived");
        }
        return InventoryView.of(device);
    }
}
