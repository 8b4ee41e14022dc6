package io.peerlift.rollout.service.facts;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.Topics;
import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutDevice.Member;
import io.peerlift.rollout.domain.RolloutState;
import io.peerlift.rollout.domain.RolloutSubnet;
import io.peerlift.rollout.service.RolloutMetrics;
import io.peerlift.rollout.service.membership.Membership;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.peerlift.support.retry.TransientFailures;
import io.smallrye.faulttolerance.api.ApplyGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Records one poll of device configs in one transaction: the inventory's folder and family of each device, and
 * for every open rollout the joins, leaves and re-assessments its folder means, with the counts of the subnets
 * concerned. A configuration that raced a rollout's take-in is found by the rollout's membership audit.
 */
@ApplicationScoped
public class ConfigRecorder {

    private final RolloutConfig config;
    private final RolloutMetrics metrics;
    private final Event<FactsRecorded> recorded;

    ConfigRecorder(RolloutConfig config, RolloutMetrics metrics, Event<FactsRecorded> recorded) {
        this.config = config;
        this.metrics = metrics;
        this.recorded = recorded;
    }

    /**
     * In a transaction of its own, retried for as long as it fails for a reason that may pass (a lock, the database
     * away): the one policy of {@link TransientFailures}; a record that can never apply aborts at once.
     */
    @ApplyGuard(TransientFailures.GUARD)
    public void record(List<ConfigFact> configs) {
        QuarkusTransaction.requiringNew().run(() -> recordInTransaction(configs));
    }

    /** What the config topic says about one device: its configuration, or that it was deleted. */
    public sealed interface ConfigFact {
        String deviceId();
    }

    /** A configuration published by profile-service. */
    public record Configured(DeviceConfig config) implements ConfigFact {
        @Override
        public String deviceId() {
            return config.deviceId();
        }
    }

    /** The tombstone of a deleted device: a record keyed by its id, without a value. */
    public record Removed(String deviceId) implements ConfigFact {
    }

    private record Decision(Rollout rollout, Device device, RolloutDevice member, Membership.Change change) {
    }

    private void recordInTransaction(List<ConfigFact> configs) {
        Instant now = Instant.now();
        Map<String, Device> devices = Device.lockOrCreate(
                configs.stream().map(ConfigFact::deviceId).collect(Collectors.toCollection(TreeSet::new)), now);
        Map<String, Boolean> changed = new LinkedHashMap<>();
        Set<String> windowChanged = new TreeSet<>();
        int duplicates = 0;
        for (ConfigFact fact : configs) {
            Device device = devices.get(fact.deviceId());
            Device.Change change;
            if (fact instanceof Configured configured) {
                if (configured.config().revision() <= device.configRevision) {
                    duplicates++;
                    continue;
                }
                change = device.apply(configured.config(), now);
            } else {
                change = device.remove(now);
            }
            if (change.folderChanged() || change.versionChanged()) {
                changed.merge(device.deviceId, change.versionChanged(), Boolean::logicalOr);
            }
            if (change.windowChanged()) {
                windowChanged.add(device.deviceId);
            }
        }
        metrics.consumed(Topics.DEVICE_CONFIG, "applied", configs.size() - duplicates);
        metrics.consumed(Topics.DEVICE_CONFIG, "duplicate", duplicates);
        metrics.batchRecorded(Topics.DEVICE_CONFIG, configs.size());
        if (changed.isEmpty() && windowChanged.isEmpty()) {
            return;
        }
        List<Rollout> open = Rollout.list("state in ?1", RolloutState.open());
        if (open.isEmpty()) {
            return;
        }
        Set<String> concerned = new TreeSet<>(changed.keySet());
        concerned.addAll(windowChanged);
        Map<Member, RolloutDevice> members = RolloutDevice.of(concerned, open.stream().map(r -> r.id).toList());
        List<Decision> decisions = new ArrayList<>();
        Set<RolloutSubnet.Key> keys = new HashSet<>();
        for (Map.Entry<String, Boolean> entry : changed.entrySet()) {
            Device device = devices.get(entry.getKey());
            for (Rollout rollout : open) {
                RolloutDevice member = members.get(new Member(rollout.id, device.deviceId));
                Membership.Change change = Membership.of(rollout, device, member, entry.getValue());
                if (change != Membership.Change.NONE) {
                    decisions.add(new Decision(rollout, device, member, change));
                    keys.add(Membership.subnetOf(rollout, device, member));
                }
            }
        }
        // A device whose folders' window changed while it waits is planned again: a window that opened lets it go.
        Set<RolloutSubnet.Key> replan = new HashSet<>();
        for (String deviceId : windowChanged) {
            for (Rollout rollout : open) {
                RolloutDevice member = members.get(new Member(rollout.id, deviceId));
                if (member != null && member.state == DeviceState.PENDING) {
                    replan.add(new RolloutSubnet.Key(rollout.id, member.subnet));
                }
            }
        }
        Map<RolloutSubnet.Key, RolloutSubnet> subnets = RolloutSubnet.lock(replan, keys);
        Set<String> touched = new HashSet<>();
        for (RolloutSubnet.Key key : replan) {
            RolloutSubnet subnet = subnets.get(key);
            if (subnet != null) {
                subnet.planRequested = true;
                touched.add(key.rolloutId());
            }
        }
        for (Decision d : decisions) {
            Membership.apply(d.change(), d.rollout(), d.device(), d.member(),
                    subnets.get(Membership.subnetOf(d.rollout(), d.device(), d.member())),
                    d.rollout().rules(config.scheduler().retryBackoff(), config.scheduler().maxRetryBackoff()), now);
            touched.add(d.rollout().id);
        }
        if (!touched.isEmpty()) {
            recorded.fire(new FactsRecorded(touched));
        }
    }
}
