package io.peerlift.device.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.peerlift.device.agent.DeviceContext;
import io.peerlift.device.agent.DeviceToken;
import io.peerlift.device.agent.GatewayLink;
import io.peerlift.device.gateway.GatewayApi;
import io.peerlift.device.outbox.EventOutbox;
import io.peerlift.device.outbox.SubnetLanes;
import io.peerlift.device.messaging.KafkaDeviceEvents;
import jakarta.enterprise.inject.Instance;
import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.discovery.DiscoveryClient;
import io.peerlift.device.discovery.DiscoveryHub;
import io.peerlift.device.domain.DeviceEventSink;
import io.peerlift.device.domain.DeviceMetrics;
import io.peerlift.device.download.ChunkStore;
import io.peerlift.device.peer.PayloadClient;
import io.peerlift.device.peer.PeerServers;
import io.peerlift.device.peer.PeerTls;
import io.peerlift.events.TrustedReleaseKeys;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Builds what the hosted devices share, from configuration and the platform's Vert.x and metrics. */
@ApplicationScoped
public class DeviceRuntime {

    private static final Logger LOG = Logger.getLogger(DeviceRuntime.class);

    /** Events a fleet sends to the broker at once: enough for a burst of progress, few to send again. */
    private static final int FLEET_BATCH = 500;

    private GatewayLink gatewayLink;

    /**
     * Where the hosted devices' events go: into the durable event outbox, from which an agent posts them to its
     * gateway and a fleet publishes them to Kafka itself (one lab principal; see the README), a lane per subnet.
     */
    @Produces
    @Singleton
    DeviceEventSink events(DeviceServiceConfig config, Vertx vertx, Instance<SubnetLanes> lanes) {
        if (config.mode() == DeviceServiceConfig.Mode.AGENT) {
            String url = config.gateway().url().orElseThrow(() -> new IllegalStateException(
                    "peerlift.device.gateway.url is required in agent mode: an agent reaches the fleet through its gateway"));
            Path tokenFile = config.gateway().tokenFile().orElseThrow(() -> new IllegalStateException(
                    "peerlift.device.gateway.token-file is required in agent mode: the gateway admits a device by "
                    + "its own token"));
            gatewayLink = new GatewayLink(vertx, url, config.id(), new DeviceToken(tokenFile), config.gateway().pollWait());
            return new EventOutbox(vertx, config.dataDir(), config.outboxCapacity(), GatewayApi.MAX_EVENTS_PER_POST,
                    gatewayLink::post);
        }
        return lanes.get();
    }

    /** A fleet's event outbox: a lane per subnet, so that one subnet's events can wait while the others flow. */
    @Produces
    @Singleton
    @Typed(SubnetLanes.class)
    SubnetLanes lanes(DeviceServiceConfig config, Vertx vertx, Instance<KafkaDeviceEvents> kafka) {
        KafkaDeviceEvents publisher = kafka.get();
        return new SubnetLanes(vertx, config.dataDir(), config.outboxCapacity(), FLEET_BATCH, publisher::publishAll);
    }

    /** The agent's link to its gateway; empty in the other modes. */
    Optional<GatewayLink> gatewayLink() {
        return Optional.ofNullable(gatewayLink);
    }

    @Produces
    @Singleton
    DeviceContext deviceContext(Vertx vertx, MeterRegistry meters, DeviceServiceConfig config, DeviceEventSink events,
                                FleetPartitions partitions) {
        DeviceMetrics metrics = new DeviceMetrics(meters);
        // A fleet's devices share one listener per port (on 0.0.0.0, told apart by address); an agent binds its own.
        PeerTls tls = peerTls(config);
        PeerServers peerServers = new PeerServers(vertx, config.peerServerIdleTimeout(),
                config.mode() == DeviceServiceConfig.Mode.FLEET, tls);
        peerServers.reloadCertificateEvery(config.tls().reloadInterval(),
                outcome -> metrics.certificateReloaded(outcome.name().toLowerCase(Locale.ROOT)));
        return new DeviceContext(vertx, config, trustedReleaseKeys(config), peerServers,
                new DiscoveryHub(vertx, metrics), new DiscoveryClient(vertx, metrics),
                new PayloadClient(vertx, config.requestTimeout(), tls, partitions::reachesRepository), new ChunkStore(config.dataDir().resolve("store")),
                events, metrics, Clock.systemUTC());
    }

    /** The device's certificate, key and fleet CA from its configuration; says at start what is missing. */
    public static PeerTls peerTls(DeviceServiceConfig config) {
        PeerTls tls = PeerTls.from(config.tls());
        if (config.mode() != DeviceServiceConfig.Mode.GATEWAY) {
            tls.serverUnavailable().ifPresent(why -> LOG.infof("%s: a profile enabling HTTPS peers gets HTTP only "
                    + "(the devices report it)", why));
            if (config.tls().fleetCaFile().isEmpty()) {
                LOG.infof("peerlift.device.tls.fleet-ca-file is not set: the devices download from peers over HTTP only");
            }
        }
        return tls;
    }

    /**
     * The release keys of the device's provisioning, none when none is configured (the devices then refuse every
     * release); a file that cannot be read stops the start, naming it.
     */
    public static TrustedReleaseKeys trustedReleaseKeys(DeviceServiceConfig config) {
        List<Path> files = config.trustedReleaseKeys().orElse(List.of());
        if (files.isEmpty() && config.mode() != DeviceServiceConfig.Mode.GATEWAY) {
            LOG.warn("peerlift.device.trusted-release-keys is not set: the devices refuse every release until they "
                    + "are provisioned with the release public key");
        }
        try {
            return TrustedReleaseKeys.fromFiles(files);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the trusted release keys " + files + ": " + e.getMessage(), e);
        }
    }
}
