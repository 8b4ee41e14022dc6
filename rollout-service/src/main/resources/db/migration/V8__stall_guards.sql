-- Stall guards. A device's last event tells a crashed peer from a live one: a peer silent for too long is
-- expired (it serves nothing until its next event). A WAN seed that upgraded but does not serve is expired as
-- its subnet's seed, so that the subnet is seeded again; its row keeps why, its subnet counts it.
alter table device add column last_event_at timestamp(6) with time zone;
update device set last_event_at = updated_at where last_seq >= 0;
alter table device add column peer_expired_at timestamp(6) with time zone;
create index device_serving_silence_ix on device (last_event_at) where cardinality(served) > 0;
alter table rollout_device add column seed_expiry text;
create index rollout_device_counted_seed_ix on rollout_device (rollout_id, finished_at)
    where command_policy = 'WAN_SEED' and state = 'UPGRADED' and seed_expiry is null;
alter table rollout_subnet add column seeds_expired integer not null default 0;
