package io.peerlift.rollout.domain;

import java.util.EnumSet;
import java.util.Set;

/** Where one device stands in one rollout. {@link DeviceLifecycle} is the only rule that moves it. */
public enum DeviceState {
    PENDING,
    /** Below the rollout's minimum source version: never commanded. */
    INELIGIBLE,
    /** Already on the target version: never commanded; counts as a peer if it serves. */
    CURRENT,
    COMMANDED,
    DOWNLOADING,
    INSTALLING,
    UPGRADED,
    FAILED,
    CANCELLED;

    /** Commanded and not yet finished: the device owes us events, and times out without them. */
    public static final Set<DeviceState> ACTIVE = EnumSet.of(COMMANDED, DOWNLOADING, INSTALLING);

    /** Decided by the device's version alone, so re-evaluated whenever that version changes. */
    public static final Set<DeviceState> BY_VERSION = EnumSet.of(PENDING, INELIGIBLE, CURRENT);

    public boolean isActive() {
        return ACTIVE.contains(this);
    }

    /** Commanded and not yet past its download: it occupies a download slot. */
    public boolean isDownloading() {
        return this == COMMANDED || this == DOWNLOADING;
    }

    public boolean isByVersion() {
        return BY_VERSION.contains(this);
    }
}
