package io.peerlift.rollout.service.membership;

import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutState;
import io.peerlift.rollout.domain.RolloutSubnet;
import io.peerlift.rollout.domain.RolloutTransition;
import io.peerlift.rollout.service.scheduling.RolloutChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Takes a folder's devices into a rollout in pages of {@code take-in-page}, each page in a transaction of its
 * own, however large the folder: the rollout is CREATING until the last page, then CREATED, or WAITING_FOR_APPROVAL
 * when it needs an approver (the executor starts a CREATED one that was asked to start). Devices that join the folder
 * meanwhile are taken in by the config recorder; one whose config raced a page is found by {@link #audit}.
 */
@ApplicationScoped
public class TakeIn {

    private final RolloutConfig config;
    private final Event<RolloutChanged> changed;

    TakeIn(RolloutConfig config, Event<RolloutChanged> changed) {
        this.config = config;
        this.changed = changed;
    }

    /** Takes in the next page; true while more pages follow. */
    @Transactional
    public boolean nextPage(String rolloutId, Instant now) {
        Rollout rollout = Rollout.lockForUpdate(rolloutId);
        if (rollout == null || rollout.state != RolloutState.CREATING) {
            return false;
        }
        int pageSize = config.scheduler().takeInPage();
        List<Device> page = Device.inFolderTree(rollout.folderId, rollout.membersAfter, pageSize, true);
        join(rollout, page, now);
        if (!page.isEmpty()) {
            rollout.membersAfter = page.get(page.size() - 1).deviceId;
        }
        if (page.size() == pageSize) {
            return true;
        }
        if (rollout.approvalRequired) {
            rollout.moveTo(RolloutTransition.AWAIT_APPROVAL, "waiting for an approver (not its creator "
                    + rollout.createdBy + ")", now);
        } else {
            rollout.moveTo(RolloutTransition.TAKEN_IN, "created", now);
        }
        changed.fire(new RolloutChanged(rollout.id));
        return false;
    }

    /**
     * Now and then, takes in (a page of) the devices of the rollout's folder that it has no row for: a
     * configuration committed while a page was read, by a transaction that could not see the rollout yet.
     */
    @Transactional
    public void audit(String rolloutId, Instant now) {
        Rollout rollout = Rollout.tryLock(rolloutId);
        if (rollout == null || !RolloutState.open().contains(rollout.state)
                || rollout.membershipAuditedAt != null
                && rollout.membershipAuditedAt.plus(config.scheduler().membershipAudit()).isAfter(now)) {
            return;
        }
        join(rollout, Device.inFolderTreeOutside(rollout.id, rollout.folderId, config.scheduler().takeInPage()), now);
        rollout.membershipAuditedAt = now;
    }

    private static void join(Rollout rollout, List<Device> devices, Instant now) {
        if (devices.isEmpty()) {
            return;
        }
        Set<String> members = RolloutDevice.of(devices.stream().map(d -> d.deviceId).toList(), List.of(rollout.id))
                .keySet().stream().map(RolloutDevice.Member::deviceId).collect(Collectors.toSet());
        List<Device> joining = devices.stream().filter(d -> !members.contains(d.deviceId)).toList();
        Map<RolloutSubnet.Key, RolloutSubnet> subnets = RolloutSubnet.lock(Set.of(),
                joining.stream().map(d -> new RolloutSubnet.Key(rollout.id, d.subnet)).collect(Collectors.toSet()));
        for (Device device : joining) {
            Membership.join(rollout, device, subnets.get(new RolloutSubnet.Key(rollout.id, device.subnet)), now);
        }
    }
}
