-- The control plane at fleet size: events record facts and keep per-subnet counters, one reconciler per
-- rollout plans subnets from those counters, each under its own row lock.

-- Inventory. The folder path becomes an array, so that a rollout finds its folder's devices through a GIN
-- index; served lists the manifests a device serves right now, so that a subnet's peers are one indexed count.
alter table device add column folder_ids bigint[];
update device set folder_ids = string_to_array(trim(both '/' from folder_path), '/')::bigint[]
    where folder_path is not null and folder_path <> '//';
alter table device drop column folder_path;
alter table device rename column folder_ids to folder_path;
alter table device add column served varchar(64)[] not null default '{}';
update device d set served = array(
        select a ->> 'manifestSha256' from jsonb_array_elements(d.apps::jsonb) a where a ->> 'manifestSha256' is not null)
    where d.peer_running;
create index device_folder_path_ix on device using gin (folder_path);

-- Rollouts. Bytes are summed from their subnets; membership is taken in page by page (members_after is the
-- last device id taken in), and audited now and then for devices whose configuration raced the take-in.
alter table rollout drop column wan_bytes;
alter table rollout drop column peer_bytes;
alter table rollout add column members_after varchar(128);
alter table rollout add column start_when_ready boolean not null default false;
alter table rollout add column membership_audited_at timestamp(6) with time zone;
alter table rollout add column status_changed boolean not null default true;

-- One device in one rollout: the command it answers, what it downloaded and what it measured.
alter table rollout_device add column command_id uuid;
alter table rollout_device add column wan_downloads integer not null default 0;
alter table rollout_device add column peer_downloads integer not null default 0;
alter table rollout_device add column failed_attempts integer not null default 0;
alter table rollout_device add column transfer_millis bigint;
alter table rollout_device add column install_millis bigint;
alter table rollout_device add column reboot_millis bigint;
update rollout_device set wan_downloads = case when source = 'WAN' and state in ('INSTALLING', 'UPGRADED') then 1 else 0 end,
                          peer_downloads = case when source = 'PEER' and state in ('INSTALLING', 'UPGRADED') then 1 else 0 end;
-- Rows are inserted in JDBC batches: Hibernate takes ids 50 at a time from a sequence of its own.
alter table rollout_device alter column id drop identity;
create sequence rollout_device_id_seq increment by 50 owned by rollout_device.id;
select setval('rollout_device_id_seq', coalesce((select max(id) from rollout_device), 0) + 1, false);
-- Silent devices are found among the active ones only.
create index rollout_device_active_ix on rollout_device (rollout_id, last_activity_at)
    where state in ('COMMANDED', 'DOWNLOADING', 'INSTALLING');

-- One subnet of one rollout: the sums of its devices' contributions, kept by every change of a device under
-- the subnet's row lock, and what the reconciler and the status publisher need to find their work. The row
-- without a subnet counts the members whose subnet is not known yet.
alter table rollout_subnet alter column subnet drop not null;
alter table rollout_subnet alter column initial_peers set default 0;
alter table rollout_subnet alter column peers set default 0;
alter table rollout_subnet alter column peer_slots set default 0;
alter table rollout_subnet alter column rounds set default 0;
alter table rollout_subnet alter column wan_downloads set default 0;
alter table rollout_subnet alter column peer_downloads set default 0;
alter table rollout_subnet alter column wan_bytes set default 0;
alter table rollout_subnet alter column peer_bytes set default 0;
alter table rollout_subnet alter column peers_over_time set default '[]';
create unique index rollout_subnet_unlocated_uk on rollout_subnet (rollout_id) where subnet is null;
alter table rollout_subnet add column pending integer not null default 0;
alter table rollout_subnet add column ineligible integer not null default 0;
alter table rollout_subnet add column current_version integer not null default 0;
alter table rollout_subnet add column commanded integer not null default 0;
alter table rollout_subnet add column downloading integer not null default 0;
alter table rollout_subnet add column installing integer not null default 0;
alter table rollout_subnet add column upgraded integer not null default 0;
alter table rollout_subnet add column failed integer not null default 0;
alter table rollout_subnet add column cancelled integer not null default 0;
alter table rollout_subnet add column peer_slots_taken integer not null default 0;
alter table rollout_subnet add column seeds_outstanding integer not null default 0;
alter table rollout_subnet add column seeds_downloading integer not null default 0;
alter table rollout_subnet add column failed_attempts integer not null default 0;
alter table rollout_subnet add column plan_requested boolean not null default true;
alter table rollout_subnet add column wake_at timestamp(6) with time zone;
alter table rollout_subnet add column status_version bigint not null default 0;
alter table rollout_subnet add column started_at timestamp(6) with time zone;
alter table rollout_subnet add column last_progress_at timestamp(6) with time zone;
alter table rollout_subnet add column stalled_since timestamp(6) with time zone;
create index rollout_subnet_subnet_ix on rollout_subnet (subnet);
create index rollout_subnet_plan_ix on rollout_subnet (rollout_id) where plan_requested;
create index rollout_subnet_wake_ix on rollout_subnet (rollout_id, wake_at) where wake_at is not null;
-- The status version of each subnet's record last published: kept apart, so that publishing never takes (or
-- waits for) the lock of a subnet.
create table rollout_subnet_published (
    subnet_id bigint primary key references rollout_subnet (id) on delete cascade,
    version   bigint not null
);

-- Counters of the rollouts a V1 schema left behind, from their devices.
insert into rollout_subnet (rollout_id, subnet, initial_peers, peers, peer_slots, rounds, wan_downloads,
                            peer_downloads, wan_bytes, peer_bytes, peers_over_time)
select distinct d.rollout_id, d.subnet, 0, 0, 0, 0, 0, 0, 0, 0, '[]' from rollout_device d
where not exists (select 1 from rollout_subnet s where s.rollout_id = d.rollout_id
                  and s.subnet is not distinct from d.subnet);
update rollout_subnet s set
    pending = c.pending, ineligible = c.ineligible, current_version = c.current_version, commanded = c.commanded,
    downloading = c.downloading, installing = c.installing, upgraded = c.upgraded, failed = c.failed,
    cancelled = c.cancelled, peer_slots_taken = c.peer_slots_taken, seeds_outstanding = c.seeds_outstanding,
    seeds_downloading = c.seeds_downloading, wan_downloads = c.wan_downloads, peer_downloads = c.peer_downloads,
    wan_bytes = c.wan_bytes, peer_bytes = c.peer_bytes
from (select rollout_id, subnet,
             count(*) filter (where state = 'PENDING') pending,
             count(*) filter (where state = 'INELIGIBLE') ineligible,
             count(*) filter (where state = 'CURRENT') current_version,
             count(*) filter (where state = 'COMMANDED') commanded,
             count(*) filter (where state = 'DOWNLOADING') downloading,
             count(*) filter (where state = 'INSTALLING') installing,
             count(*) filter (where state = 'UPGRADED') upgraded,
             count(*) filter (where state = 'FAILED') failed,
             count(*) filter (where state = 'CANCELLED') cancelled,
             count(*) filter (where state in ('COMMANDED', 'DOWNLOADING') and coalesce(command_policy, '') <> 'WAN_SEED'
                              and coalesce(source, '') <> 'WAN') peer_slots_taken,
             count(*) filter (where command_policy = 'WAN_SEED'
                              and state in ('COMMANDED', 'DOWNLOADING', 'INSTALLING', 'UPGRADED')) seeds_outstanding,
             count(*) filter (where command_policy = 'WAN_SEED' and state in ('COMMANDED', 'DOWNLOADING')) seeds_downloading,
             sum(wan_downloads) wan_downloads, sum(peer_downloads) peer_downloads,
             sum(wan_bytes) wan_bytes, sum(peer_bytes) peer_bytes
      from rollout_device group by rollout_id, subnet) c
where c.rollout_id = s.rollout_id and c.subnet is not distinct from s.subnet;
