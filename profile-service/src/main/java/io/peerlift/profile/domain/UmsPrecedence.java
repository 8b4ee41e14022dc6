package io.peerlift.profile.domain;

import java.util.Comparator;
import java.util.List;

/**
 * The order in which IGEL UMS lets profiles override each other on one device ("Summary - Prioritization of IGEL
 * UMS Profiles", profile-service README):
 * <ol>
 * <li>a priority profile beats every standard profile;</li>
 * <li>priority profiles rank the other way round from standard ones: the farther from the device the stronger,
 * so one assigned to a higher folder beats one on a lower folder, and one assigned directly to the device is
 * the weakest priority profile;</li>
 * <li>standard profiles: the closer to the device the stronger, a direct assignment the strongest;</li>
 * <li>assigned on an equal basis (same kind, same folder or device), the newer profile, the higher id, wins.</li>
 * </ol>
 */
public final class UmsPrecedence {

    private UmsPrecedence() {
    }

    /**
     * Strongest first, for a device in the folder whose path from the root is {@code path}. Every assignment
     * must reach the device (directly, or on a folder of {@code path}).
     */
    public static Comparator<AssignedProfile> strongestFirst(List<Long> path) {
        Comparator<AssignedProfile> priorityFirst = Comparator.comparing(a -> !a.profile().priority);
        Comparator<AssignedProfile> byDistance = Comparator.comparingInt(a -> a.profile().priority
                ? -distance(a.assignment(), path) : distance(a.assignment(), path));
        Comparator<AssignedProfile> newerFirst = Comparator.comparingLong(a -> -a.profile().id);
        return priorityFirst.thenComparing(byDistance).thenComparing(newerFirst);
    }

    /** 0 for a direct assignment, 1 for the device's own folder, 2 for its parent, ... the root is the farthest. */
    static int distance(ProfileAssignment assignment, List<Long> path) {
        if (assignment.isDirect()) {
            return 0;
        }
        int index = path.indexOf(assignment.folderId);
        if (index < 0) {
            throw new IllegalArgumentException("folder " + assignment.folderId + " is not on the path " + path);
        }
        return path.size() - index;
    }
}
