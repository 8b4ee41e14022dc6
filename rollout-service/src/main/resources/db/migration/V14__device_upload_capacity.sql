-- Issue #13/#16: the upload capacity a device reports with its peer server (bytes per second across all its
-- uploads, 0 when it is not capped or not reported): u of the swarm bound T* the dashboard judges SWARM subnets by.
alter table device add column upload_bytes_per_second bigint not null default 0;
