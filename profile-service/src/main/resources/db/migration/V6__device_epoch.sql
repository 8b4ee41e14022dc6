-- The incarnation of the last applied event: events order by (epoch, seq), so a device that lost its state and
-- restarted seq at 1 is a new incarnation, not a run of duplicates (issue #14).
alter table device add column last_epoch bigint not null default 0;
