package io.peerlift.device.agent;

import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.EventCodec;
import io.peerlift.events.ReleaseSignature;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What a device must remember across restarts, in {@code device.properties} of its directory: its incarnation
 * (epoch) and how far event seqs went (so seq keeps rising), the OS version, the apps it holds with the release
 * signature each was installed with (the JSON the repository serves, {@code signature.<app>}), the commands it
 * already handled, the Upgrade it accepted and has not finished (resumed on restart) and its last effective
 * configuration (a restarted device serves as configured at once, not as provisioned until its configuration comes
 * again: else a fleet's upgraded peers all stop serving for a moment and its rollout seeds the subnet from the WAN). Written atomically on
 * every change. Seqs are reserved {@link #SEQ_BLOCK} at a time, so that a device emitting events does not write its
 * file for each: after a restart seq goes on from the end of the last block (it rises, with a gap).
 * <p>
 * A device without its file (a fresh data directory) is a new incarnation: its epoch is the time it started, so it
 * is above that of any earlier incarnation whose clock was not ahead, and consumers take its seq 1 as new. A file
 * written before epochs existed reads as epoch 0, the incarnation consumers already know.
 */
public final class DeviceStateFile {

    private static final int REMEMBERED_COMMANDS = 16;
    static final long SEQ_BLOCK = 64;
    private static final String SIGNATURE_PREFIX = "signature.";

    private final Path file;
    private long epoch;
    private long seq;
    /** The highest seq written to the file: seqs up to it may be handed out without writing. */
    private long reserved;
    private String osVersion;
    private final List<AppRef> apps = new ArrayList<>();
    /** By app: the release signature the held version was installed with. */
    private final Map<String, ReleaseSignature> signatures = new HashMap<>();
    private final Deque<String> handledCommands = new ArrayDeque<>();
    private DeviceCommand.Upgrade unfinished;
    private DeviceConfig config;

    private DeviceStateFile(Path file) {
        this.file = file;
    }

    /**
     * Loads the state in {@code deviceDir}, or starts a fresh one on {@code initialOsVersion} as the incarnation
     * {@code freshEpoch} (the time in milliseconds).
     */
    public static DeviceStateFile load(Path deviceDir, String initialOsVersion, long freshEpoch) {
        DeviceStateFile state = new DeviceStateFile(deviceDir.resolve("device.properties"));
        state.osVersion = initialOsVersion;
        state.epoch = freshEpoch;
        if (Files.exists(state.file)) {
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(state.file)) {
                props.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read device state " + state.file, e);
            }
            state.epoch = Long.parseLong(props.getProperty("epoch", "0"));
            state.seq = Long.parseLong(props.getProperty("seq", "0"));
            state.reserved = state.seq;
            state.osVersion = props.getProperty("osVersion", initialOsVersion);
            for (String app : split(props.getProperty("apps"))) {
                String[] parts = app.split("@", 3);
                state.apps.add(new AppRef(parts[0], parts[1], parts[2]));
                String signature = props.getProperty(SIGNATURE_PREFIX + parts[0], "");
                if (!signature.isBlank()) {
                    state.signatures.put(parts[0], EventCodec.decode(signature, ReleaseSignature.class));
                }
            }
            state.handledCommands.addAll(split(props.getProperty("handledCommands")));
            String unfinished = props.getProperty("unfinishedCommand", "");
            if (!unfinished.isBlank()) {
                state.unfinished = (DeviceCommand.Upgrade) EventCodec.decodeCommand(unfinished);
            }
            String config = props.getProperty("config", "");
            if (!config.isBlank()) {
                state.config = EventCodec.decode(config, DeviceConfig.class);
            }
        } else {
            state.save();
        }
        return state;
    }

    private static List<String> split(String value) {
        return value == null || value.isBlank() ? List.of() : Arrays.asList(value.split(","));
    }

    public synchronized long nextSeq() {
        seq++;
        if (seq > reserved) {
            reserved = seq + SEQ_BLOCK - 1;
            save();
        }
        return seq;
    }

    public synchronized long epoch() {
        return epoch;
    }

    public synchronized String osVersion() {
        return osVersion;
    }

    public synchronized void osVersion(String version) {
        osVersion = version;
        save();
    }

    public synchronized List<AppRef> apps() {
        return List.copyOf(apps);
    }

    /**
     * Records a held app with the release signature it was installed with (both in one write), replacing another
     * version of the same app.
     */
    public synchronized void hold(AppRef app, ReleaseSignature signature) {
        apps.removeIf(held -> held.app().equals(app.app()));
        apps.add(app);
        signatures.put(app.app(), signature);
        save();
    }

    /** The signature {@code app} was installed with; empty when it was recorded without one (before signatures). */
    public synchronized Optional<ReleaseSignature> signature(AppRef app) {
        return apps.contains(app) ? Optional.ofNullable(signatures.get(app.app())) : Optional.empty();
    }

    /** How a command is remembered: its id and attempt. */
    static String key(DeviceCommand command) {
        return command.commandId() + "/" + command.attempt();
    }

    /** Whether the command was handled before (a re-delivery). */
    public synchronized boolean handled(String commandKey) {
        return handledCommands.contains(commandKey);
    }

    /** Records a command as handled; false when it was handled before (a re-delivery). */
    public synchronized boolean markHandled(String commandKey) {
        if (!remember(commandKey)) {
            return false;
        }
        save();
        return true;
    }

    private boolean remember(String commandKey) {
        if (handledCommands.contains(commandKey)) {
            return false;
        }
        handledCommands.addLast(commandKey);
        while (handledCommands.size() > REMEMBERED_COMMANDS) {
            handledCommands.removeFirst();
        }
        return true;
    }

    /** The Upgrade accepted and not finished, to resume after a restart. */
    public synchronized Optional<DeviceCommand.Upgrade> unfinished() {
        return Optional.ofNullable(unfinished);
    }

    /**
     * Records the Upgrade whose job runs now (or the newer attempt it answers), before it does anything, and marks
     * it handled in the same write.
     */
    public synchronized void unfinished(DeviceCommand.Upgrade command) {
        unfinished = command;
        remember(key(command));
        save();
    }

    /** The job of {@code rolloutId} ended (done, failed or cancelled): nothing to resume. */
    public synchronized void finished(String rolloutId) {
        if (unfinished != null && unfinished.rolloutId().equals(rolloutId)) {
            unfinished = null;
            save();
        }
    }

    /** The last effective configuration the device received, if any. */
    public synchronized Optional<DeviceConfig> config() {
        return Optional.ofNullable(config);
    }

    public synchronized void config(DeviceConfig newConfig) {
        config = newConfig;
        save();
    }

    private void save() {
        Properties props = new Properties();
        props.setProperty("epoch", Long.toString(epoch));
        props.setProperty("seq", Long.toString(reserved));
        props.setProperty("osVersion", osVersion);
        props.setProperty("apps", String.join(",", apps.stream()
                .map(a -> a.app() + "@" + a.version() + "@" + a.manifestSha256()).toList()));
        signatures.forEach((app, signature) -> props.setProperty(SIGNATURE_PREFIX + app, EventCodec.encode(signature)));
        props.setProperty("handledCommands", String.join(",", handledCommands));
        props.setProperty("unfinishedCommand", unfinished == null ? "" : EventCodec.encode(unfinished));
        props.setProperty("config", config == null ? "" : EventCodec.encode(config));
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer out = Files.newBufferedWriter(temp)) {
                props.store(out, "Peerlift device state");
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write device state " + file, e);
        }
    }
}
