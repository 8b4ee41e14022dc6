package io.peerlift.profile.domain;

/** A profile together with one of its assignments: the unit precedence ranks. */
public record AssignedProfile(Profile profile, ProfileAssignment assignment) {
}
