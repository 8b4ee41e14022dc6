-- A device's own configuration (UMS: the configuration of a single device): overridden by every profile, applied
-- only while the device runs the OS family it was set for.
create table device_settings (
    device_id  varchar(200) primary key references device (id),
    os_family  varchar(8)   not null check (os_family in ('OS11', 'OS12')),
    settings   jsonb        not null,
    updated_at timestamptz  not null
);
