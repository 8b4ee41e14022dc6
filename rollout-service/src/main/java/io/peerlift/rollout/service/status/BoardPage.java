package io.peerlift.rollout.service.status;

import io.peerlift.events.RolloutStatus;

import java.util.List;

/** A page of a rollout's subnet table: the rollout, how many subnets pass the filter, and the page's rows. */
public record BoardPage(RolloutStatus.Summary rollout, RolloutIdeal ideal, int total, int offset, int limit,
                        List<SubnetRow> rows) {
}
