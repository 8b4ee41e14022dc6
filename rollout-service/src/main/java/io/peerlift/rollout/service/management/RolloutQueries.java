package io.peerlift.rollout.service.management;

import io.peerlift.events.RolloutStatus;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutState;
import io.peerlift.rollout.domain.RolloutSubnet;
import io.peerlift.rollout.service.status.StatusRecords;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.support.problem.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reading rollouts, from their subnets' counts. */
@ApplicationScoped
public class RolloutQueries {

    /** The most devices one page of {@code /devices} holds. */
    public static final int MAX_DEVICE_PAGE = 10_000;

    @Transactional
    public List<RolloutView> list(boolean includeArchived) {
        return Rollout.<Rollout>list((includeArchived ? "" : "archivedAt is null ") + "order by createdAt desc").stream()
                .map(r -> RolloutView.of(r, RolloutSubnet.totals(r.id))).toList();
    }

    @Transactional
    public RolloutView get(String id) {
        return RolloutView.of(require(id), RolloutSubnet.totals(id));
    }

    @Transactional
    public RolloutState stateOf(String id) {
        return require(id).state;
    }

    @Transactional
    public List<RolloutStatus.SubnetStatus> subnets(String id) {
        Rollout rollout = require(id);
        return StatusRecords.subnets(rollout, RolloutSubnet.ofRollout(id), Instant.now()).stream()
                .filter(s -> s.devices() > 0).toList();
    }

    /**
     * A page of the rollout's devices in id order, after {@code after}, all or those in {@code state}, of one
     * {@code subnet} or all.
     */
    @Transactional
    public List<DeviceView> devices(String id, String state, String subnet, String after, Integer limit) {
        Rollout rollout = require(id);
        int pageSize = limit == null ? 1000 : limit;
        if (pageSize < 1 || pageSize > MAX_DEVICE_PAGE) {
            throw new InvalidInputException("limit must be 1.." + MAX_DEVICE_PAGE + ", got " + pageSize);
        }
        Set<DeviceState> states = EnumSet.allOf(DeviceState.class);
        if (state != null && !state.isBlank()) {
            try {
                states = EnumSet.of(DeviceState.valueOf(state.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("state '" + state + "' is not a device state; use one of "
                        + EnumSet.allOf(DeviceState.class));
            }
        }
        List<RolloutDevice> page = RolloutDevice.page(id, states, subnet == null || subnet.isBlank() ? null
                : subnet.trim(), after, pageSize);
        // The peer server as the inventory knows it (HTTPS or not), in one query for the page.
        Map<String, Device> inventory = page.isEmpty() ? Map.of() : Device.<Device>list("deviceId in ?1",
                page.stream().map(d -> d.deviceId).toList()).stream()
                .collect(Collectors.toMap(d -> d.deviceId, Function.identity()));
        return page.stream().map(d -> DeviceView.of(d, rollout, inventory.get(d.deviceId))).toList();
    }

    /**
     * Charges repository bytes to the rollout they were served for: the one open rollout of that app version.
     * With none or several open, the bytes are only counted in the metric.
     */
    @Transactional
    public void chargeRepositoryBytes(String app, String version, long bytes) {
        Rollout.update("repositoryBytes = repositoryBytes + ?1 where app = ?2 and version = ?3 and state in ?4"
                        + " and (select count(o) from Rollout o where o.app = ?2 and o.version = ?3 and o.state in ?4) = 1",
                bytes, app, version, RolloutState.open());
    }

    private static Rollout require(String id) {
        Rollout rollout = Rollout.findById(id);
        if (rollout == null) {
            throw new NotFoundException("rollout " + id + " does not exist");
        }
        return rollout;
    }
}
