package io.peerlift.localstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the real Kafka broker and PostgreSQL server of a {@link LocalStack}, and makes it
 * trust the tokens of {@link TestTokens}.
 * One stack serves the whole test JVM (started on first use, stopped when the JVM exits), so test classes
 * share it instead of paying the start-up again. Use with
 * {@code @WithTestResource(value = LocalStackTestResource.class, initArgs = @ResourceArg(name = "database", value = "profile"))};
 * without the {@code database} argument no datasource is configured.
 */
public class LocalStackTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE_ARG = "database";

    private static LocalStack shared;

    private String database;

    /** The stack of this JVM, started if need be. */
    public static synchronized LocalStack shared() {
        if (shared == null) {
            try {
                shared = LocalStack.startInTempDir();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the local Kafka and PostgreSQL", e);
            }
            LocalStack stack = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-shutdown"));
        }
        return shared;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.get(DATABASE_ARG);
    }

    /** The stack's addresses, and the test issuer ({@link TestTokens}) as the one the service trusts. */
    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(shared().quarkusConfig(database));
        config.putAll(TestTokens.issuer().quarkusConfig());
        return config;
    }

    @Override
    public void stop() {
        // The stack outlives a single test class: it is closed by the JVM shutdown hook.
    }
}
