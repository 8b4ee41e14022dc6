package io.peerlift.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerlift.cli.ExitCode;
import io.peerlift.cli.Peerlift;
import io.peerlift.cli.output.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code peerlift dead-letters ...}: the platform's dead-letter topics (profile-service, admin). */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "The records the services parked on a topic's dead-letter topic (<topic>.dlq).")
public final class DeadLettersCommand {

    @ParentCommand
    Peerlift peerlift;

    @Spec
    CommandSpec spec;

    @Command(name = "replay", description = {"Sends every record parked on <TOPIC>.dlq since the last replay back to "
            + "<TOPIC>, unchanged, once the cause is fixed (the consumers drop what they already applied).",
            "A record that is still poison is parked again. Needs an admin token."})
    int replay(@Parameters(paramLabel = "TOPIC", description = "e.g. peerlift.device-events") String topic) {
        JsonNode replayed = peerlift.profiles().replayDeadLetters(topic);
        Output out = peerlift.output(spec.commandLine());
        out.result(replayed, () -> out.line(replayed.path("records").asInt() + " record(s) of "
                + replayed.path("deadLetterTopic").asText() + " sent back to " + replayed.path("topic").asText()));
        return ExitCode.OK.code();
    }
}
