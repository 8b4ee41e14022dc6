package io.peerlift.cli.output;

/** How a command prints its result: for people, or the services' JSON for scripts. */
public enum Format {
    text, json
}
