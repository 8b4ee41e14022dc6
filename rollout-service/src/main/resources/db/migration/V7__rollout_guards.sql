-- A start forced past the folder's consistency errors keeps what it went past and why; archived rollouts
-- leave the default list.
alter table rollout add column forced_start text;
alter table rollout add column archived_at timestamp(6) with time zone;
