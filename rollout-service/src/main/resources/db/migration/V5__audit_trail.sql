-- Who changed what and when (io.peerlift.support.audit.AuditTrail), written in the change's transaction; the
-- same table as profile-service's.
create table audit_entry (
    id          bigserial    primary key,
    occurred_at timestamptz  not null,
    subject     varchar(255) not null,
    name        varchar(255) not null,
    roles       varchar(255) not null,
    method      varchar(16)  not null,
    target      varchar(2048) not null
);
