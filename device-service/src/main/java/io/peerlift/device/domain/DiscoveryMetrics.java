package io.peerlift.device.domain;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters of the discovery port: datagrams dropped (by reason) and requests ignored from other subnets. */
public final class DiscoveryMetrics {

    static final String DROPPED = "peerlift.discovery.datagrams.dropped";
    static final String FOREIGN = "peerlift.discovery.requests.foreign.subnet";

    private final MeterRegistry registry;
    private final Counter foreignSubnet;

    public DiscoveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.foreignSubnet = Counter.builder(FOREIGN)
                .description("Discovery requests ignored because they came from another subnet").register(registry);
    }

    void dropped(String reason) {
        Counter.builder(DROPPED).description("Discovery datagrams dropped as malformed, oversized or foreign")
                .tag("reason", reason).register(registry).increment();
    }

    void ignoredForeignSubnet() {
        foreignSubnet.increment();
    }

    public double droppedCount(String reason) {
        Counter counter = registry.find(DROPPED).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
