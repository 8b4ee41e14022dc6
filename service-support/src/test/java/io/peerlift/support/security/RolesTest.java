package io.peerlift.support.security;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RolesTest {

    @Test
    void anAdminIncludesEveryPersonsRoleAndAnApproverOnlyReads() {
        assertThat(Roles.withImplied(Set.of("admin"))).containsExactly("admin", "approver", "operator", "viewer");
        assertThat(Roles.withImplied(Set.of("approver"))).containsExactly("approver", "viewer");
        assertThat(Roles.withImplied(Set.of("operator"))).as("an operator does not approve")
                .containsExactly("operator", "viewer");
        assertThat(Roles.withImplied(Set.of("operator", "approver"))).containsExactly("approver", "operator", "viewer");
        assertThat(Roles.withImplied(Set.of("device"))).containsExactly("device");
    }
}
