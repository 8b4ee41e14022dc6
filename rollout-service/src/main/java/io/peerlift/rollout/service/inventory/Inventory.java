package io.peerlift.rollout.service.inventory;

import io.peerlift.rollout.domain.Device;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.support.problem.NotFoundException;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.List;

/** Reads the device inventory. */
@ApplicationScoped
public class Inventory {

    /** The most devices one page holds. */
    public static final int MAX_PAGE = 10_000;

    /**
     * A page of the devices in id order after {@code after}: all, those of one {@code subnet}, or those in the
     * tree of folder {@code folderId}.
     */
    @Transactional
    public List<InventoryView> list(String subnet, Long folderId, String after, Integer limit) {
        int pageSize = limit == null ? 1000 : limit;
        if (pageSize < 1 || pageSize > MAX_PAGE) {
            throw new InvalidInputException("limit must be 1.." + MAX_PAGE + ", got " + pageSize);
        }
        if (folderId != null) {
            if (subnet != null) {
                throw new InvalidInputException("give folderId or subnet, not both");
            }
            return Device.inFolderTree(folderId, after, pageSize, false).stream().map(InventoryView::of).toList();
        }
        List<String> conditions = new ArrayList<>(List.of("deviceId > :after"));
        Parameters parameters = Parameters.with("after", after == null ? "" : after);
        if (subnet != null && !subnet.isBlank()) {
            conditions.add("subnet = :subnet");
            parameters.and("subnet", subnet);
        }
        return Device.<Device>find(String.join(" and ", conditions) + " order by deviceId", parameters)
                .page(0, pageSize).stream().map(InventoryView::of).toList();
    }

    /** How many devices the folder's tree holds, as the configurations this service applied say. */
    @Transactional
    public long countInFolderTree(long folderId) {
        return ((Number) Device.getEntityManager()
                .createNativeQuery("select count(*) from device where folder_path @> array[cast(?1 as bigint)]")
                .setParameter(1, folderId)
                .getSingleResult()).longValue();
    }

    @Transactional
    public InventoryView get(String deviceId) {
        Device device = Device.findById(deviceId);
        if (device == null) {
            throw new NotFoundException("device " + deviceId + " is not in the inventory: neither an event nor"
                    + " a config of it has arrived");
        }
        return InventoryView.of(device);
    }
}
