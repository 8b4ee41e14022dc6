package io.peerlift.events;

/**
 * Settings keys of the update configuration, as IGEL names them: OS 12 settings and OS 11 registry keys.
 * profile-service validates and merges them; device-service obeys the merged result.
 */
public final class SettingKeys {

    /** Both families: answer (OS 12) or send (OS 11) discovery requests. */
    public static final String DISCOVERY_ENABLED = "update.discovery.enabled";
    /** Both families: the UDP discovery port. */
    public static final String DISCOVERY_PORT = "update.discovery.port";
    /** OS 12: run the peer update server. */
    public static final String PEER_SERVER_ENABLED = "update.peer_server.enabled";
    /** OS 12: the peer update server's HTTP port. */
    public static final String PEER_SERVER_PORT = "update.peer_server.port";
    /** OS 12: concurrent uploads the peer update server accepts. */
    public static final String PEER_SERVER_LIMIT = "update.peer_server.limit_of_connections";
    /** OS 11: the HTTP port of the peers it downloads from. */
    public static final String DOWNLOAD_SERVER_PORT = "update.discovery.download_server_port";

    public static final int DEFAULT_DISCOVERY_PORT = 22336;
    public static final int DEFAULT_PEER_SERVER_PORT = 22335;
    public static final int DEFAULT_PEER_SERVER_LIMIT = 1;

    private SettingKeys() {
    }
}
