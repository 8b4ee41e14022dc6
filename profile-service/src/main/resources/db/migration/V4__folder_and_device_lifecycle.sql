-- A deleted device keeps its configuration state: the revision goes on rising if it announces itself again, so
-- consumers that still hold its last revision accept the new one. content '' marks it as forgotten.
alter table device_config_state drop constraint device_config_state_device_id_fkey;

-- A row without payload is a tombstone: the relay publishes a null value, and the compacted topic forgets the
-- device.
alter table config_outbox alter column payload drop not null;
