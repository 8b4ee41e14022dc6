-- A folder's time zone (IANA) and maintenance window (issue #15), both inherited by the folders below it: the
-- nearest folder that has one wins. The window is a Quartz cron schedule of openings and a duration (HH:mm:ss),
-- read in the time zone of the device's folder; both parts set, or neither.
alter table folder add column time_zone varchar(64);
alter table folder add column window_schedule varchar(256);
alter table folder add column window_duration varchar(16);
alter table folder add constraint folder_window_complete
    check ((window_schedule is null) = (window_duration is null));
