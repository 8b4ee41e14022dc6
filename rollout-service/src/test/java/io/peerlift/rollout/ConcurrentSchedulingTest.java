package io.peerlift.rollout;

import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.OutboxCommand;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutSubnet;
import io.peerlift.rollout.service.scheduling.RolloutExecutor;
import io.peerlift.rollout.service.scheduling.SubnetScheduler;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import static io.peerlift.rollout.PeerSpreadTest.id;
import static io.peerlift.rollout.RolloutFixtures.awaitInventory;
import static io.peerlift.rollout.RolloutFixtures.createRollout;
import static io.peerlift.rollout.RolloutFixtures.devicesIn;
import static io.peerlift.rollout.RolloutFixtures.folder;
import static io.peerlift.rollout.RolloutFixtures.folderPath;
import static io.peerlift.rollout.RolloutFixtures.otherFolderPath;
import static io.peerlift.rollout.RolloutFixtures.subnet;
import static io.peerlift.rollout.RolloutFixtures.subnetStatus;
import static io.peerlift.rollout.RolloutFixtures.unique;
import static io.peerlift.rollout.SimulatedFleet.SOURCE;
import static io.peerlift.rollout.SimulatedFleet.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scheduling passes over the same subnet in parallel transactions, as the reconciler threads of two replicas run
 * them: whether they skip the subnet another holds or wait for its lock, the free slots are spent once.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class ConcurrentSchedulingTest {

    private static final int PASSES = 8;

    @Inject
    RolloutExecutor executor;

    @Inject
    SubnetScheduler scheduler;

    @Test
    void parallelReconcilerPassesNeverSpendTheSameSlotTwice() throws Exception {
        racingPassesCommandOnlyTheFreeSlots(unique(), rolloutId -> executor.execute(rolloutId, RolloutExecutor.Pass.EVENTS));
    }

    @Test
    void passesThatWaitForTheSubnetsLockSeeWhatTheFirstCommanded() throws Exception {
        int n = unique();
        racingPassesCommandOnlyTheFreeSlots(n, rolloutId -> QuarkusTransaction.requiringNew().run(() -> {
            Rollout rollout = Rollout.share(rolloutId);
            RolloutSubnet.lock(Set.of(), Set.of(new RolloutSubnet.Key(rolloutId, subnet(n, 1))))
                    .values().forEach(subnet -> scheduler.plan(rollout, subnet, Instant.now()));
        }));
    }

    private void racingPassesCommandOnlyTheFreeSlots(int n, Consumer<String> pass) throws Exception {
        String subnet = subnet(n, 1);
        try (SimulatedFleet fleet = new SimulatedFleet(RolloutFixtures.uploadPackage(), RolloutFixtures.PAYLOAD.length)) {
            // A peer that serves but has no slot yet: the rollout starts with nothing to command.
            fleet.join(id(n, 0), subnet, 10, TARGET, otherFolderPath()).startPeerServer(0);
            List<String> ids = new ArrayList<>(List.of(id(n, 0)));
            for (int i = 1; i <= 10; i++) {
                fleet.join(id(n, i), subnet, 10 + i, SOURCE, folderPath(n));
                ids.add(id(n, i));
            }
            awaitInventory(fleet, ids.toArray(String[]::new));
            String rolloutId = createRollout(folder(n), Map.of());
            assertThat(subnetStatus(rolloutId, subnet).getString("waiting")).contains("no upload slot");

            // The peer now offers four slots; many passes race to use them.
            QuarkusTransaction.requiringNew().run(() -> {
                Device.<Device>findById(id(n, 0)).peerCapacity = 4;
                RolloutSubnet.requestPlanning(rolloutId);
            });
            ExecutorService replicas = Executors.newFixedThreadPool(PASSES);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> passes = new ArrayList<>();
                for (int i = 0; i < PASSES; i++) {
                    passes.add(replicas.submit(() -> {
                        start.await();
                        pass.accept(rolloutId);
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> racing : passes) {
                    racing.get();
                }
            } finally {
                replicas.shutdown();
            }

            // The service's own clock may have claimed the subnet while the racing passes skipped it: a pass that
            // waits for the subnet's lock makes what follows read everything every pass decided.
            executor.execute(rolloutId, RolloutExecutor.Pass.REQUEST);
            assertThat(devicesIn(rolloutId, "COMMANDED")).hasSize(4);
            long upgrades = QuarkusTransaction.requiringNew().call(() ->
                    OutboxCommand.count("rolloutId = ?1 and kind = ?2", rolloutId, OutboxCommand.UPGRADE));
            assertThat(upgrades).isEqualTo(4);
            RolloutFixtures.act(rolloutId, "cancel", 200);
        }
    }
}
