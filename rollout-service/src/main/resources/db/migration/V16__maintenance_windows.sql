-- hawkBit's maintenance window per rollout (issue #15): a Quartz cron schedule of openings, a duration
-- (HH:mm:ss) and the time zone the schedule is read in. New Upgrades are commanded only while it is open.
alter table rollout add column window_schedule varchar(256);
alter table rollout add column window_duration varchar(16);
alter table rollout add column window_time_zone varchar(64);
