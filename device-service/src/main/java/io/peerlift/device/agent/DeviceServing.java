package io.peerlift.device.agent;

import io.peerlift.device.discovery.DiscoveryHub;
import io.peerlift.device.domain.ServingPolicy;
import io.peerlift.device.peer.PeerServers;
import io.peerlift.device.peer.ServedDevice;
import io.peerlift.device.peer.ServedPackage;
import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.PeerServerState;
import io.peerlift.events.Subnet;
import io.vertx.core.Future;
import org.jboss.logging.Logger;

import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A device's serving: its place on the process's peer server and discovery hub, brought in line with what
 * {@link ServingPolicy} says whenever something it depends on changes. Starting is asynchronous (a port may
 * need binding); a reconciliation that overtakes a start closes what that start opened.
 */
final class DeviceServing {

    private static final Logger LOG = Logger.getLogger(DeviceServing.class);

    /**
     * What runs while the device serves.
     *
     * @param secure    the HTTPS serving, null when HTTPS does not run
     * @param httpsDown why HTTPS does not run although enabled, else null
     */
    private record Running(ServedDevice served, PeerServers.Serving upload, PeerServers.Serving secure,
                           DiscoveryHub.Registration answers, String httpsDown) {
        void close() {
            if (answers != null) {
                answers.close();
            }
            if (secure != null) {
                secure.close();
            }
            upload.close();
        }

        int httpsPort() {
            return secure == null ? 0 : secure.port();
        }
    }

    private final String deviceId;
    private final String ip;
    private final Subnet subnet;
    private final DeviceContext context;
    private final DeviceEvents events;
    private final Supplier<List<AppRef>> apps;
    private final ServedDevice.Catalog catalog;
    private final UploadReports uploads;

    private volatile Running running;
    private ServingPolicy.Spec wanted;
    private Future<Void> starting = Future.succeededFuture();
    private long generation;

    DeviceServing(String deviceId, String ip, Subnet subnet, DeviceContext context, DeviceEvents events,
                  Supplier<List<AppRef>> apps, ServedDevice.Catalog catalog) {
        this.deviceId = deviceId;
        this.ip = ip;
        this.subnet = subnet;
        this.context = context;
        this.events = events;
        this.apps = apps;
        this.catalog = catalog;
        this.uploads = new UploadReports(context.vertx(), context.config().uploadReportInterval(), events);
    }

    /**
     * Serves as {@code desired} says (empty: not at all); {@code stopReason} names why serving stops. Completes once
     * serving is as desired (or a start failed, and the next reconciliation tries again).
     */
    synchronized Future<Void> reconcile(Optional<ServingPolicy.Spec> desired, String stopReason) {
        ServingPolicy.Spec next = desired.orElse(null);
        if (Objects.equals(next, wanted)) {
            return starting; // serving (or starting) as desired already
        }
        generation++;
        wanted = next;
        stop(next == null ? stopReason : "reconfigured");
        starting = next == null ? Future.succeededFuture() : start(next, generation);
        return starting;
    }

    private Future<Void> start(ServingPolicy.Spec spec, long startedGeneration) {
        ServedDevice served = new ServedDevice(deviceId, ip, spec.slots(),
                context.config().peerServerConnectionsBeyondSlots(), context.config().uploadRateBytesPerSecond(),
                catalog, this::uploaded);
        Future<PeerServers.Serving> upload = context.peerServers().serve(served, spec.port());
        // One ServedDevice on both: HTTPS shares the slots, the connection bound and the upload rate with HTTP.
        Future<PeerServers.Serving> secure = spec.https().wanted()
                ? context.peerServers().serveHttps(served, spec.https().port())
                : Future.succeededFuture(null);
        Future<DiscoveryHub.Registration> answers = spec.answerDiscovery()
                ? context.discoveryHub().answer(spec.discoveryPort(), deviceId, subnet, ip, this::offer)
                : Future.succeededFuture(null);
        return Future.join(upload, secure, answers)
                .transform(all -> {
                    started(spec, startedGeneration, served, upload, secure, answers);
                    return Future.<Void>succeededFuture();
                });
    }

    private synchronized void started(ServingPolicy.Spec spec, long startedGeneration, ServedDevice served,
                                      Future<PeerServers.Serving> upload, Future<PeerServers.Serving> secure,
                                      Future<DiscoveryHub.Registration> answers) {
        boolean current = startedGeneration == generation;
        if (upload.failed() || answers.failed() || !current) {
            upload.onSuccess(PeerServers.Serving::close);
            secure.onSuccess(serving -> {
                if (serving != null) {
                    serving.close();
                }
            });
            answers.onSuccess(registration -> {
                if (registration != null) {
                    registration.close();
                }
            });
            if (current) {
                Throwable cause = upload.failed() ? upload.cause() : answers.cause();
                LOG.errorf("%s cannot start its peer server on %s:%d: %s", deviceId, ip, spec.port(), cause.getMessage());
                wanted = null; // the next reconciliation (the heartbeat, say) tries again
            }
            return;
        }
        String httpsDown = spec.https().refusal();
        if (secure.failed()) {
            httpsDown = "HTTPS does not start on port " + spec.https().port() + ": " + secure.cause().getMessage();
        }
        if (httpsDown != null) {
            LOG.warnf("%s serves HTTP only on %s:%d: %s", deviceId, ip, upload.result().port(), httpsDown);
        }
        Running now = new Running(served, upload.result(), secure.result(), answers.result(), httpsDown);
        running = now;
        events.emit((eventId, id, cidr, at, seq, epoch) -> new DeviceEvent.PeerServerStarted(eventId, id, cidr, at, seq, epoch,
                ip, now.upload().port(), spec.slots(), apps.get(), served.uploadBytesPerSecond(), now.httpsPort(),
                now.httpsDown()));
    }

    /** Stops at once: open connections are dropped, so downloaders see it and move on. */
    synchronized void stop(String reason) {
        Running stopping = running;
        if (stopping == null) {
            return;
        }
        running = null;
        stopping.close();
        uploads.flush(); // what it served before it stopped, before it says it stopped
        int port = stopping.upload().port();
        events.emit((eventId, id, cidr, at, seq, epoch) -> new DeviceEvent.PeerServerStopped(eventId, id, cidr, at, seq, epoch,
                port, reason));
    }

    PeerServerState state(int configuredPort) {
        Running now = running;
        return now == null ? PeerServerState.stopped(configuredPort)
                : new PeerServerState(true, now.upload().port(), now.served().slots(), now.served().activeUploads(),
                        now.httpsPort(), now.httpsDown(), now.served().uploadBytesPerSecond());
    }

    /**
     * Runs on the event loop: the answer for what the device serves of {@code app} {@code version}, complete or (a
     * package it swarms) with its have-list; nothing before its first verified chunk.
     */
    private Optional<PeerOffer> offer(String app, String version) {
        Running now = running;
        if (now == null) {
            return Optional.empty();
        }
        Optional<PeerOffer> held = apps.get().stream()
                .filter(a -> a.app().equals(app) && a.version().equals(version))
                .findFirst()
                .map(a -> new PeerOffer(deviceId, ip, now.upload().port(), app, version, a.manifestSha256(),
                        now.served().activeUploads(), now.served().slots(), now.httpsPort()));
        if (held.isPresent()) {
            return held; // from the volatile list alone: no lock, no file
        }
        return catalog.lookup(app, version).flatMap(pkg -> {
            BitSet verified = pkg.chunks().snapshot(pkg.manifest().chunkCount());
            if (verified.isEmpty()) {
                return Optional.empty();
            }
            String have = verified.cardinality() == pkg.manifest().chunkCount() ? null : PeerOffer.haveOf(verified);
            return Optional.of(new PeerOffer(deviceId, ip, now.upload().port(), app, version, pkg.manifestSha256(),
                    now.served().activeUploads(), now.served().slots(), now.httpsPort(), have));
        });
    }

    /** Reports the uploads gathered so far ({@link UploadReports}). */
    void reportUploads() {
        uploads.flush();
    }

    private void uploaded(String toDeviceId, ServedPackage pkg, long bytes) {
        context.metrics().uploaded(bytes);
        uploads.uploaded(toDeviceId, pkg.manifest().app(), pkg.manifest().version(), bytes);
        if (running == null) {
            uploads.flush(); // an upload that ended after serving stopped: no later report is sure to come
        }
    }
}
