package io.peerlift.device.domain;

/** Where a device is in its upgrade lifecycle. */
public enum DeviceState {
    IDLE,
    DISCOVERING,
    DOWNLOADING,
    INSTALLING,
    REBOOTING,
    /** The last download or upgrade failed; verified chunks are kept for the next attempt. */
    FAILED
}
