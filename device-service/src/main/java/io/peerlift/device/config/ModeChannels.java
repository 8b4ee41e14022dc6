package io.peerlift.device.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import jakarta.annotation.Priority;

import java.util.Set;

/**
 * The mode decides which Kafka channels run: a real agent ({@code peerlift.device.mode=agent}) reads no topic and
 * writes none, it speaks only to its gateway; a fleet and a gateway run all three channels. So an operator sets the
 * mode, not the channels' {@code enabled} keys.
 */
@Priority(100)
public class ModeChannels implements ConfigSourceInterceptor {

    private static final Set<String> KAFKA_CHANNELS = Set.of(
            "mp.messaging.incoming.device-commands.enabled",
            "mp.messaging.incoming.device-config.enabled",
            "mp.messaging.outgoing.device-events.enabled");

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        if (KAFKA_CHANNELS.contains(name)) {
            ConfigValue mode = context.proceed("peerlift.device.mode");
            boolean agent = mode == null || mode.getValue() == null || "agent".equalsIgnoreCase(mode.getValue());
            return ConfigValue.builder().withName(name).withValue(String.valueOf(!agent))
                    .withConfigSourceName("peerlift.device.mode").build();
        }
        return context.proceed(name);
    }
}
