package io.peerlift.device.service;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.gateway.CommandCursor;
import io.peerlift.device.gateway.GatewayApi;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The gateway's mailboxes: for each device, its latest configuration and its most recent commands, taken from the
 * topics and held until the device fetches them; nobody else's. Memory is bounded per device: one configuration,
 * at most {@code gateway.max-pending-commands} commands (older ones drop off: a newer attempt or a Cancel
 * supersedes them), at most {@link #MAX_WAITERS} waiting polls. A poll that finds nothing new waits on a timer,
 * holding no thread, and is answered the moment something arrives.
 */
@ApplicationScoped
public class DeviceGateway {

    private static final Logger LOG = Logger.getLogger(DeviceGateway.class);
    static final int MAX_WAITERS = 2;

    private final Vertx vertx;
    private final int maxPending;
    private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();

    DeviceGateway(Vertx vertx, DeviceServiceConfig config) {
        this.vertx = vertx;
        this.maxPending = config.gateway().maxPendingCommands();
    }

    /** A command read from the topic at {@code cursor}. */
    public void command(DeviceCommand command, CommandCursor cursor) {
        mailbox(command.deviceId()).add(new GatewayApi.Delivery(cursor.toString(), command));
    }

    /** A configuration read from the compacted topic; older revisions change nothing. */
    public void config(DeviceConfig config) {
        mailbox(config.deviceId()).configure(config);
    }

    /** The device's commands after {@code after}, or after waiting up to {@code wait} for one, none. */
    public Uni<GatewayApi.CommandBatch> commands(String deviceId, CommandCursor after, Duration wait) {
        Mailbox mailbox = mailbox(deviceId);
        return mailbox.await(() -> mailbox.after(after), batch -> !batch.commands().isEmpty(), wait,
                new GatewayApi.CommandBatch(List.of(), after == null ? null : after.toString()));
    }

    /** The device's configuration if newer than {@code revision}, or after waiting up to {@code wait}, empty. */
    public Uni<Optional<DeviceConfig>> config(String deviceId, long revision, Duration wait) {
        Mailbox mailbox = mailbox(deviceId);
        return mailbox.await(() -> mailbox.configAfter(revision), Optional::isPresent, wait, Optional.empty());
    }

    private Mailbox mailbox(String deviceId) {
        return mailboxes.computeIfAbsent(deviceId, id -> new Mailbox());
    }

    /** One device's configuration, commands and waiting polls. */
    private final class Mailbox {
        private final Deque<GatewayApi.Delivery> commands = new ArrayDeque<>();
        private DeviceConfig config;
        private final List<Runnable> waiters = new ArrayList<>();

        synchronized void add(GatewayApi.Delivery delivery) {
            commands.addLast(delivery);
            while (commands.size() > maxPending) {
                GatewayApi.Delivery dropped = commands.removeFirst();
                LOG.debugf("%s: command %s dropped unfetched", dropped.command().deviceId(), dropped.cursor());
            }
            wake();
        }

        synchronized void configure(DeviceConfig next) {
            if (config == null || next.revision() > config.revision()) {
                config = next;
                wake();
            }
        }

        synchronized GatewayApi.CommandBatch after(CommandCursor acked) {
            // What the device has taken is acknowledged: forget it.
            commands.removeIf(d -> !CommandCursor.parse(d.cursor()).isAfter(acked));
            List<GatewayApi.Delivery> fresh = List.copyOf(commands);
            String cursor = fresh.isEmpty() ? (acked == null ? null : acked.toString()) : fresh.get(fresh.size() - 1).cursor();
            return new GatewayApi.CommandBatch(fresh, cursor);
        }

        synchronized Optional<DeviceConfig> configAfter(long revision) {
            return config != null && config.revision() > revision ? Optional.of(config) : Optional.empty();
        }

        /** Answers at once if {@code found} holds, else when something arrives, else {@code none} after {@code wait}. */
        <T> Uni<T> await(Supplier<T> look, java.util.function.Predicate<T> found, Duration wait, T none) {
            return Uni.createFrom().emitter(emitter -> {
                synchronized (this) {
                    T now = look.get();
                    if (found.test(now) || wait.isZero()) {
                        emitter.complete(found.test(now) ? now : none);
                        return;
                    }
                    Runnable[] waiter = new Runnable[1];
                    long timer = vertx.setTimer(wait.toMillis(), t -> answer(emitter, waiter[0], none));
                    waiter[0] = () -> {
                        vertx.cancelTimer(timer);
                        answer(emitter, waiter[0], look.get());
                    };
                    if (waiters.size() >= MAX_WAITERS) {
                        waiters.remove(0).run(); // a device needs one poll at a time; the oldest is answered now
                    }
                    waiters.add(waiter[0]);
                    emitter.onTermination(() -> forget(waiter[0]));
                }
            });
        }

        private <T> void answer(UniEmitter<? super T> emitter, Runnable waiter, T value) {
            forget(waiter);
            emitter.complete(value);
        }

        private synchronized void forget(Runnable waiter) {
            waiters.remove(waiter);
        }

        private void wake() {
            List<Runnable> woken = new ArrayList<>(waiters);
            waiters.clear();
            woken.forEach(Runnable::run);
        }
    }
}
