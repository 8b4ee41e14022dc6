-- Issue #12: a peer's HTTPS peer update server (OS 12.9, beside HTTP) as the device reports it, so that the admin
-- sees which peers serve HTTPS and why one that should does not: its port (0 = none) and the reason HTTPS is down
-- although its profile enables it (no device certificate, a port clash; null otherwise). Per rollout subnet, the
-- peers that serve the target over HTTPS.
alter table device add column https_port integer not null default 0;
alter table device add column https_down text;
alter table rollout_subnet add column https_peers integer not null default 0;
