package io.peerlift.device.domain;

import io.peerlift.events.AppRef;
import io.peerlift.events.PeerServerState;

import java.util.List;

/** A snapshot of a hosted device for the REST API. {@code download} is null when none ran since start. */
public record DeviceView(String id, String ip, String subnet, String osVersion, DeviceState state, List<AppRef> apps,
                         PeerServerState peerServer, DownloadView download) {

    /** The current or last download of this device. */
    public record DownloadView(String rolloutId, String app, String version, String peerId, long bytesDone,
                               long totalBytes, long peerBytes, long wanBytes) {
    }
}
