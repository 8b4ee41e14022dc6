-- The maintenance window a device's folders give it (issue #15), from its DeviceConfig: hawkBit's JSON
-- {schedule, duration, timeZone}, the zone of the device's folder resolved; null when none applies. No new
-- Upgrade goes to a device outside it. One string, so the scheduler compares the windows of a subnet's pending
-- devices without decoding each.
alter table device add column maintenance_window varchar(512);
