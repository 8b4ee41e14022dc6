package io.peerlift.device.agent;

import io.peerlift.device.domain.DeviceMetrics;
import io.peerlift.device.domain.DeviceState;
import io.peerlift.device.domain.DeviceView;
import io.peerlift.device.download.DownloadTask;
import io.peerlift.device.download.Source;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.PeerOffer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The events of one upgrade, each an answer to the Upgrade command being carried out: the newest attempt received
 * (a retry that reaches a device still working on an earlier attempt is answered by the running upgrade). Also
 * keeps the download's figures for the events and the device's view.
 */
final class UpgradeReport implements DownloadTask.Report {

    private final DeviceEvents events;
    private final Device device;
    private final DeviceMetrics metrics;
    private volatile DeviceCommand.Upgrade answering;
    private final AtomicLong peerBytes = new AtomicLong();
    private final AtomicLong wanBytes = new AtomicLong();
    private volatile long startNanos;
    private volatile long totalBytes;
    private volatile long bytesDone;
    private volatile String peerId;

    /** @param device told the download's state and figures as they change, for its view */
    UpgradeReport(DeviceCommand.Upgrade command, DeviceEvents events, Device device, DeviceMetrics metrics) {
        this.answering = command;
        this.events = events;
        this.device = device;
        this.metrics = metrics;
    }

    /** A newer attempt of the same rollout's Upgrade: the events from now on answer it. */
    void answer(DeviceCommand.Upgrade newer) {
        if (newer.attempt() > answering.attempt()) {
            answering = newer;
        }
    }

    /** The attempt the events answer now. */
    DeviceCommand.Upgrade answering() {
        return answering;
    }

    @Override
    public void discoveryRequested(int round) {
        DeviceCommand.Upgrade c = answering;
        events.emit((eventId, id, cidr, at, seq, epoch) -> new DeviceEvent.DiscoveryRequested(eventId, id, cidr, at, seq, epoch,
                c.rolloutId(), c.commandId(), c.attempt(), c.app(), c.version(), round));
    }

    @Override
    public void discoveryAnswered(int round, List<PeerOffer> offers) {
        DeviceCommand.Upgrade c = answering;
        events.emit((eventId, id, cidr, at, seq, epoch) -> new DeviceEvent.DiscoveryAnswered(eventId, id, cidr, at, seq, epoch,
                c.rolloutId(), c.commandId(), c.attempt(), c.app(), c.version(), round, offers));
    }

    @Override
    public void started(Source first, long total) {
        startNanos = System.nanoTime();
        totalBytes = total;
        peerId = first.peerId();
        device.lifecycle(DeviceState.DOWNLOADING);
        updateView();
        DeviceCommand.Upgrade c = answering;
        events.emit((eventId, id, cidr, at, seq, epoch) -> new DeviceEvent.DownloadStarted(eventId, id, cidr, at, seq, epoch,
                c.rolloutId(), c.commandId(), c.attempt(), c.app(), c.version(), first.kind(), first.peerId(), total));
    }

    @Override
    public void progress(long done, long total, Source current) {
        bytesDone = done;
        peerId = current == null ? null : current.peerId();
        updateView();
        if (!events.hasRoom()) {
            return; // the outbox is full: progress is the event to skip (no seq is spent on it)
        }
        DeviceCommand.Upgrade c = answering;
        String from = peerId;
        events.emit((eventId, id, cidr, at, seq, epoch) -> new DeviceEvent.DownloadProgress(eventId, id, cidr, at, seq, epoch,
                c.rolloutId(), c.commandId(), c.attempt(), c.app(), c.version(), done, total, from));
    }

    @Override
    public void received(DownloadSource kind, long bytes) {
        (kind == DownloadSource.PEER ? peerBytes : wanBytes).addAndGet(bytes);
        metrics.downloaded(kind, bytes);
    }

    @Override
    public void rejected(String what) {
        metrics.rejected(what);
    }

    void downloadCompleted(long size) {
        long peer = peerBytes.get();
        long wan = wanBytes.get();
        long millis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        DownloadSource mostly = wan > peer ? DownloadSource.WAN : DownloadSource.PEER;
        DeviceCommand.Upgrade c = answering;
        events.emit((eventId, id, cidr, at, seq, epoch) -> new DeviceEvent.DownloadCompleted(eventId, id, cidr, at, seq, epoch,
                c.rolloutId(), c.commandId(), c.attempt(), c.app(), c.version(), size, mostly, peer, wan, millis));
    }

    void downloadFailed(String reason, long verifiedBytes) {
        DeviceCommand.Upgrade c = answering;
        long peer = peerBytes.get();
        long wan = wanBytes.get();
        events.emit((eventId, id, cidr, at, seq, epoch) -> new DeviceEvent.DownloadFailed(eventId, id, cidr, at, seq, epoch,
                c.rolloutId(), c.commandId(), c.attempt(), c.app(), c.version(), reason, verifiedBytes, peer, wan));
    }

    void upgradeStarted(String fromOsVersion) {
        DeviceCommand.Upgrade c = answering;
        events.emit((eventId, id, cidr, at, seq, epoch) -> new DeviceEvent.UpgradeStarted(eventId, id, cidr, at, seq, epoch,
                c.rolloutId(), c.commandId(), c.attempt(), c.app(), c.version(), fromOsVersion));
    }

    void upgradeCompleted(String newOsVersion, long installMillis, long rebootMillis) {
        DeviceCommand.Upgrade c = answering;
        events.emit((eventId, id, cidr, at, seq, epoch) -> new DeviceEvent.UpgradeCompleted(eventId, id, cidr, at, seq, epoch,
                c.rolloutId(), c.commandId(), c.attempt(), c.app(), c.version(), newOsVersion, installMillis,
                rebootMillis));
    }

    private void updateView() {
        DeviceCommand.Upgrade c = answering;
        device.download(new DeviceView.DownloadView(c.rolloutId(), c.app(), c.version(), peerId, bytesDone, totalBytes,
                peerBytes.get(), wanBytes.get()));
    }
}
