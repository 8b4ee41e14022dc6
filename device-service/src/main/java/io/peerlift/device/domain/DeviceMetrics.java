package io.peerlift.device.domain;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peerlift.events.DownloadSource;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of the devices of this process: discovery datagrams dropped (by reason) and requests ignored from
 * other subnets; bytes downloaded by source, what verification rejected, and bytes uploaded by peer servers.
 */
public final class DeviceMetrics {

    static final String DROPPED = "peerlift.discovery.datagrams.dropped";
    static final String FOREIGN = "peerlift.discovery.requests.foreign.subnet";
    static final String DOWNLOADED = "peerlift.download.bytes";
    static final String REJECTED = "peerlift.download.rejected";
    static final String UPLOADED = "peerlift.upload.bytes";
    static final String CERTIFICATE_RELOADS = "peerlift.peer.certificate.reloads";

    private final MeterRegistry registry;
    private final Counter foreignSubnet;
    private final Counter uploaded;
    /** Looked up once per source: a swarm counts every buffer it receives. */
    private final Map<DownloadSource, Counter> downloaded = new EnumMap<>(DownloadSource.class);

    public DeviceMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.foreignSubnet = Counter.builder(FOREIGN)
                .description("Discovery requests ignored because they came from another subnet").register(registry);
        this.uploaded = Counter.builder(UPLOADED).baseUnit("bytes")
                .description("Payload bytes served by the peer update servers").register(registry);
        for (DownloadSource source : DownloadSource.values()) {
            downloaded.put(source, Counter.builder(DOWNLOADED).baseUnit("bytes")
                    .description("Payload bytes received, verified or not").tag("source", source.name())
                    .register(registry));
        }
    }

    public void dropped(String reason) {
        Counter.builder(DROPPED).description("Discovery datagrams dropped: malformed, oversized, of another version, "
                        + "breaking a rule of the protocol, or over their source's rate")
                .tag("reason", reason).register(registry).increment();
    }

    public void ignoredForeignSubnet() {
        foreignSubnet.increment();
    }

    public void downloaded(DownloadSource source, long bytes) {
        downloaded.get(source).increment(bytes);
    }

    /** {@code what} is "chunk", "manifest", "certificate" or "signature": what a source sent failed verification. */
    public void rejected(String what) {
        Counter.builder(REJECTED)
                .description("Chunks, manifests, certificates and release signatures that failed verification; their"
                        + " source was banned")
                .tag("what", what).register(registry).increment();
    }

    /** {@code outcome} is "rotated" or "refused": what a reload of the HTTPS peer server's certificate did. */
    public void certificateReloaded(String outcome) {
        Counter.builder(CERTIFICATE_RELOADS)
                .description("Reloads of the HTTPS peer certificate that presented a renewed one, or refused it")
                .tag("outcome", outcome).register(registry).increment();
    }

    public void uploaded(long bytes) {
        uploaded.increment(bytes);
    }

    public double droppedCount(String reason) {
        Counter counter = registry.find(DROPPED).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
