-- Device ids have the length every Peerlift service and event agrees on (io.peerlift.events.Limits,
-- MAX_DEVICE_ID_LENGTH = 128): rollout-service could not store a longer one, so such a device was silently left
-- out of rollouts. Devices can no longer announce a longer id; a stored one makes this migration fail, naming it.
alter table device alter column id type varchar(128);
alter table profile_assignment alter column device_id type varchar(128);
alter table device_config_state alter column device_id type varchar(128);
alter table config_outbox alter column device_id type varchar(128);
alter table device_settings alter column device_id type varchar(128);

-- Who changed what and when (io.peerlift.support.audit.AuditTrail), written in the change's transaction.
create table audit_entry (
    id          bigserial    primary key,
    occurred_at timestamptz  not null,
    subject     varchar(255) not null,
    name        varchar(255) not null,
    roles       varchar(255) not null,
    method      varchar(16)  not null,
    target      varchar(2048) not null
);
