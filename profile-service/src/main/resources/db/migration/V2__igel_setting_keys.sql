-- Profiles take IGEL's key names (io.peerlift.events.SettingKeys): the connection limit is IGEL's registry key
-- update.buddy_server.limit_of_connections; the server's enablement and port, for which IGEL documents no
-- registry key, are Peerlift's own keys under "peerlift.".
update profile set settings = settings - 'update.peer_server.enabled'
        || jsonb_build_object('peerlift.buddy_server.enabled', settings -> 'update.peer_server.enabled')
    where settings ? 'update.peer_server.enabled';
update profile set settings = settings - 'update.peer_server.port'
        || jsonb_build_object('peerlift.buddy_server.port', settings -> 'update.peer_server.port')
    where settings ? 'update.peer_server.port';
update profile set settings = settings - 'update.peer_server.limit_of_connections'
        || jsonb_build_object('update.buddy_server.limit_of_connections',
                              settings -> 'update.peer_server.limit_of_connections')
    where settings ? 'update.peer_server.limit_of_connections';

-- The settings schema every device's last published configuration was written under. When the code's
-- (SettingsSchema.VERSION) is newer, profile-service publishes every device's configuration again at start-up.
create table settings_schema_state (
    singleton boolean primary key default true check (singleton),
    version   int     not null
);
insert into settings_schema_state (version) values (1);
