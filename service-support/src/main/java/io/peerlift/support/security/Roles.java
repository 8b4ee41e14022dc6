package io.peerlift.support.security;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The roles of every Peerlift API, each including the ones below it: {@code viewer} reads; {@code operator} also
 * starts, pauses, resumes, cancels and retries rollouts; {@code admin} also manages folders, profiles and the
 * repository. {@link #APPROVER} stands beside the operator: it reads and approves or denies rollouts (four eyes:
 * never one's own), and {@code admin} includes it; {@link #DEVICE} is a device's own. Tokens carry them in the {@code groups} claim (or the claim {@code smallrye.jwt.path.groups} names,
 * e.g. {@code realm_access/roles} for Keycloak, {@code roles} for Entra ID).
 */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";
    /** Approves or denies rollouts that wait for approval; includes {@link #VIEWER}, {@link #ADMIN} includes it. */
    public static final String APPROVER = "approver";
    /**
     * A device at its gateway, outside the hierarchy (no person's role includes it): its token names the device as
     * its principal ({@code upn}, {@code preferred_username} or {@code sub}), and it speaks only for that device.
     */
    public static final String DEVICE = "device";

    /** Lowest first. */
    public static final List<String> ORDER = List.of(VIEWER, OPERATOR, ADMIN);

    private Roles() {
    }

    /**
     * The roles held plus every role below the highest one among them, {@link #APPROVER} for an admin and
     * {@link #VIEWER} for an approver; other roles are kept as they are.
     */
    public static Set<String> withImplied(Set<String> held) {
        Set<String> all = new TreeSet<>(held);
        if (held.contains(ADMIN)) {
            all.add(APPROVER);
        }
        int highest = all.contains(APPROVER) ? 0 : -1;
        for (String role : held) {
            highest = Math.max(highest, ORDER.indexOf(role));
        }
        all.addAll(ORDER.subList(0, highest + 1));
        return all;
    }
}
