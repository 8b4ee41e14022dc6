-- Issue #13: a rollout's distribution (WHOLE_FILE, IGEL's doubling, or SWARM) and the cap of a subnet's swarm;
-- per subnet, the WAN seeds that verified a first chunk (a swarm's first source).
alter table rollout add column distribution varchar(16) not null default 'WHOLE_FILE';
alter table rollout add column max_swarm_per_subnet integer not null default 64;
alter table rollout_subnet add column seeds_with_chunks integer not null default 0;
