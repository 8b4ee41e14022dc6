-- When the device last stopped serving a manifest it had served: a peer that restarts (its announcement says
-- "not running" moments before its server is up again) is given a grace period before its subnet is seeded from
-- the WAN as if it had no peer (issue #10).
alter table device add column stopped_serving_at timestamp(6) with time zone;
