package dev.queueworker.runner.internal.cli;

import picocli.CommandLine.Option;

/** {@code --client}: the one client a worker serves, whatever its settings files say. */
final class ClientOption {

    @Option(names = "--client", paramLabel = "CLIENT_ID",
            description = {"Serve this client (queue CLIENT_ID-tasks): sets CLIENT_ID, and a different CLIENT_ID in"
                + " the environment or the env file stops start-up (exit 2). The systemd units of"
                + " deploy/systemd pass the client they were installed for."})
    String client;
}
