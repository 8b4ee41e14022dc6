package io.peerlift.events;

/**
 * Keys of the update settings. A key is IGEL's registry key wherever IGEL documents one; where IGEL documents
 * only a setup page and no registry key, the key is Peerlift's own and starts with {@link #PEERLIFT_PREFIX}, so
 * nobody mistakes it for IGEL's. profile-service validates and merges them; device-service obeys the merged
 * result. Sources: the seed (/work/shared/seed/, "IGEL OS 11 Configurations") and IGEL's "Distributed Peer
 * Update Server Configuration in IGEL OS 12" (kb.igel.com); profile-service's README lists them.
 */
public final class SettingKeys {

    /** The prefix of Peerlift's own keys: settings IGEL offers on a setup page but names no registry key for. */
    public static final String PEERLIFT_PREFIX = "peerlift.";

    /**
     * Both families: send (OS 11) or answer (OS 12) discovery requests. IGEL registry key (OS 11, the seed); on
     * OS 12 the same IGEL Discovery setting is "System > Update > IGEL Discovery > Enable IGEL Discovery".
     */
    public static final String DISCOVERY_ENABLED = "update.discovery.enabled";
    /** Both families: the UDP discovery port. IGEL registry key (OS 11, the seed); OS 12 "Discovery Port". */
    public static final String DISCOVERY_PORT = "update.discovery.port";
    /** OS 11: the HTTP port of the peers it downloads from. IGEL registry key (the seed). */
    public static final String DOWNLOAD_SERVER_PORT = "update.discovery.download_server_port";
    /**
     * OS 12: concurrent uploads the peer update server accepts. IGEL registry key (OS 12 "Distributed Peer Update
     * Server Configuration").
     */
    public static final String PEER_SERVER_LIMIT = "update.buddy_server.limit_of_connections";
    /**
     * OS 12: run the peer update server. Peerlift's own key: IGEL documents the setting ("System > Update >
     * Distributed Peer Update Server > Enable HTTP Distributed Peer Update Server") but no registry key.
     */
    public static final String PEER_SERVER_ENABLED = PEERLIFT_PREFIX + "buddy_server.enabled";
    /**
     * OS 12: the peer update server's HTTP port. Peerlift's own key: IGEL documents the setting ("Port of the HTTP
     * Distributed Peer Update Server", default 22335) but no registry key.
     */
    public static final String PEER_SERVER_PORT = PEERLIFT_PREFIX + "buddy_server.port";

    /**
     * OS 12.9: run the HTTPS peer update server beside the HTTP one; it presents the device's certificate.
     * Peerlift's own key: IGEL documents the setting ("System > Update > Distributed Peer Update Server > Enable
     * HTTPS Distributed Peer Update Server") but no registry key.
     */
    public static final String PEER_SERVER_HTTPS_ENABLED = PEERLIFT_PREFIX + "buddy_server.https_enabled";
    /**
     * OS 12.9: the HTTPS peer update server's port. Peerlift's own key: IGEL documents the setting ("Port of the
     * HTTPS Distributed Peer Update Server", default 22337) but no registry key.
     */
    public static final String PEER_SERVER_HTTPS_PORT = PEERLIFT_PREFIX + "buddy_server.https_port";
    /**
     * Both families, downloading: whether a peer may be used over plain HTTP when it offers no HTTPS (or this
     * device holds no fleet CA to verify it). Peerlift's own key, no IGEL counterpart: false makes a device
     * download from peers only over verified HTTPS (and from the repository).
     */
    public static final String PEER_DOWNLOAD_HTTP_ALLOWED = PEERLIFT_PREFIX + "peer_download.http_allowed";
    /**
     * Both families, downloading: whether a device whose configuration turns discovery off may go to the
     * repository under PEER_THEN_WAN. Peerlift's own key, no IGEL counterpart: false (the default) fails such a
     * download, so a device that cannot look for peers never leaks onto the WAN unnoticed.
     */
    public static final String WAN_WITHOUT_DISCOVERY = PEERLIFT_PREFIX + "update.wan_without_discovery";

    public static final int DEFAULT_DISCOVERY_PORT = 22336;
    public static final int DEFAULT_PEER_SERVER_HTTPS_PORT = 22337;
    public static final int DEFAULT_PEER_SERVER_PORT = 22335;
    public static final int DEFAULT_PEER_SERVER_LIMIT = 1;

    private SettingKeys() {
    }

    /** Whether the key is Peerlift's own rather than an IGEL registry key. */
    public static boolean isPeerliftOwn(String key) {
        return key.startsWith(PEERLIFT_PREFIX);
    }
}
