package io.peerlift.rollout.domain;

import java.util.EnumSet;
import java.util.Set;

/** Where one device stands in one rollout. */
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

    /** Nothing more will happen to the device in this rollout. */
    public static final Set<DeviceState> SETTLED = EnumSet.of(INELIGIBLE, CURRENT, UPGRADED, FAILED, CANCELLED);

    public boolean isActive() {
        return ACTIVE.contains(this);
    }
}
