package io.peerlift.events;

/**
 * The least time a piece-scheduled swarm needs to bring a package to {@code n} devices from one source when every
 * device uploads at {@code u} (Mundinger, Weber and Weiss; equal to the Bar-Noy and Kipnis bound):
 * {@code T* = (F/u)(1 + floor(log2 n)/M)} for a package of {@code F} bytes in {@code M} chunks. IGEL's whole-file
 * doubling needs {@code ceil(log2(n + 1))} transfers of {@code F/u} instead.
 */
public final class SwarmBound {

    private SwarmBound() {
    }

    /**
     * @param packageBytes         F
     * @param uploadBytesPerSecond u, each device's upload capacity
     * @param devices              n, the devices to reach (at least 1)
     * @param chunks               M, the package's chunks (at least 1)
     */
    public static double seconds(long packageBytes, long uploadBytesPerSecond, int devices, int chunks) {
        if (uploadBytesPerSecond <= 0 || devices < 1 || chunks < 1) {
            throw new IllegalArgumentException("the bound needs a positive upload rate, devices and chunks");
        }
        int log2 = 31 - Integer.numberOfLeadingZeros(devices);
        return (double) packageBytes / uploadBytesPerSecond * (1 + (double) log2 / chunks);
    }

    /** The whole-file doubling reference: {@code ceil(log2(n + 1))} transfers of {@code F/u}. */
    public static double treeSeconds(long packageBytes, long uploadBytesPerSecond, int devices) {
        int rounds = 32 - Integer.numberOfLeadingZeros(devices); // ceil(log2(n + 1)) for n >= 1
        return rounds * (double) packageBytes / uploadBytesPerSecond;
    }
}
