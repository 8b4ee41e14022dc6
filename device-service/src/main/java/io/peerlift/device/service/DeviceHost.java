package io.peerlift.device.service;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.config.FleetConfig;
import io.peerlift.device.agent.Device;
import io.peerlift.device.agent.DeviceContext;
import io.peerlift.device.agent.GatewayLink;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peerlift.device.domain.DeviceState;
import io.peerlift.device.domain.DeviceView;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.Subnet;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The devices this process hosts: one in agent mode (fed by its gateway), a whole simulated fleet in fleet mode
 * (fed by the topics, where commands and configurations for other devices are ignored), none in gateway mode.
 * The devices are built when the bean is first used, so a Kafka record arriving early still finds its device.
 */
@ApplicationScoped
public class DeviceHost {

    private static final Logger LOG = Logger.getLogger(DeviceHost.class);

    private final DeviceServiceConfig config;
    private final FleetConfig fleet;
    private final DeviceContext context;
    private final MeterRegistry meters;
    private final DeviceRuntime runtime;
    private final FleetPartitions partitions;

    DeviceHost(DeviceServiceConfig config, FleetConfig fleet, DeviceContext context, MeterRegistry meters,
               DeviceRuntime runtime, FleetPartitions partitions) {
        this.config = config;
        this.fleet = fleet;
        this.context = context;
        this.meters = meters;
        this.runtime = runtime;
        this.partitions = partitions;
    }

    private final Map<String, Device> devices = new LinkedHashMap<>();

    @PostConstruct
    void build() {
        switch (config.mode()) {
            case AGENT -> {
                Subnet subnet = Subnet.parse(config.subnet());
                String address = config.bindAddress().orElseGet(() -> LocalAddresses.in(subnet));
                devices.put(config.id(), new Device(config.id(), address, subnet, config.osVersion(), config.dataDir(),
                        config.peerServerEnabled(), context));
            }
            case FLEET -> buildFleet();
            case GATEWAY -> {
                // hosts no device: it holds commands and configurations for the agents that poll it
            }
        }
        devices.values().forEach(Device::start);
        devices.values().forEach(Device::resumeUnfinished);
        // An agent hears its gateway only: its own commands and configuration, nobody else's.
        runtime.gatewayLink().ifPresent(link -> devices.values().forEach(device -> link.start(device::accept,
                device::accept)));
        registerGauges();
        LOG.infof("hosting %d device(s) in %s mode", devices.size(), config.mode());
    }

    private void registerGauges() {
        for (DeviceState state : DeviceState.values()) {
            Gauge.builder("peerlift.devices", devices, all -> all.values().stream().filter(d -> d.state() == state).count())
                    .description("Hosted devices by lifecycle state").tag("state", state.name()).register(meters);
        }
        Gauge.builder("peerlift.peer.servers.running", devices,
                        all -> all.values().stream().filter(d -> d.peerServerState().running()).count())
                .description("Hosted devices whose peer update server runs").register(meters);
    }

    private void buildFleet() {
        Optional<SeedPackageImport.Signed> seed = importSeed();
        for (FleetLayout.Member member : FleetLayout.plan(fleet)) {
            Path dir = config.dataDir().resolve("devices").resolve(member.id());
            Device device = new Device(member.id(), member.ip(), member.subnet(), member.osVersion(), dir,
                    member.initialPeer(), context);
            if (member.initialPeer()) {
                device.provision(seed.orElseThrow().stored(), seed.orElseThrow().signature());
            }
            devices.put(member.id(), device);
        }
    }

    private Optional<SeedPackageImport.Signed> importSeed() {
        if (fleet.initialPeersPerSubnet() == 0 || fleet.subnetsWithoutPeers() == fleet.subnets()) {
            return Optional.empty();
        }
        FleetConfig.SeedPackage seed = fleet.seedPackage();
        SeedPackageImport.Signed app = SeedPackageImport.importSigned(context.store(), context.releaseKeys(), seed);
        LOG.infof("initial peers hold %s %s, manifest %s, signed by a trusted release key", seed.app(),
                seed.version(), app.stored().manifest().manifestSha256());
        return Optional.of(app);
    }

    /** Forces the devices to be built at start-up rather than on first use. */
    void onStart(@Observes StartupEvent event) {
        LOG.debugf("device host ready with %d device(s)", devices.size());
    }

    void onStop(@Observes ShutdownEvent event) {
        runtime.gatewayLink().ifPresent(GatewayLink::stop);
        devices.values().forEach(Device::stop);
    }

    @Scheduled(every = "${peerlift.device.announce-interval:60s}", delayed = "${peerlift.device.announce-interval:60s}")
    void heartbeat() {
        devices.values().forEach(Device::heartbeat);
    }

    /** Hands the command to its device, once its subnet is connected ({@link FleetPartitions}). */
    public void accept(DeviceCommand command) {
        Device device = devices.get(command.deviceId());
        if (device != null) {
            partitions.deliver(device.subnet(), () -> device.accept(command));
        }
    }

    /** Hands the configuration to its device, once its subnet is connected ({@link FleetPartitions}). */
    public void accept(DeviceConfig deviceConfig) {
        Device device = devices.get(deviceConfig.deviceId());
        if (device != null) {
            partitions.deliver(device.subnet(), () -> device.accept(deviceConfig));
        }
    }

    public Collection<DeviceView> views() {
        return devices.values().stream().map(Device::view).toList();
    }

    public Optional<DeviceView> view(String id) {
        return Optional.ofNullable(devices.get(id)).map(Device::view);
    }
}
