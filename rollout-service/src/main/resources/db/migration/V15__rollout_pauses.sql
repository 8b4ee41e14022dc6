-- Issue #16: a rollout's pauses (by an operator or on errors). A paused rollout commands nobody, so the time it
-- stood still does not count against its subnets' ratio to their ideal; the status summary carries them.
create table rollout_pause (
    id         bigserial                   primary key,
    rollout_id varchar(36)                 not null references rollout (id),
    paused_at  timestamp(6) with time zone not null,
    resumed_at timestamp(6) with time zone
);
create index rollout_pause_rollout_ix on rollout_pause (rollout_id, paused_at);
