package dev.midge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code midge <command>}: the broker and, as they arrive, the client tools. */
@Command(name = "midge", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "An MQTT broker for the JVM with Mosquitto-compatible tools.",
        subcommands = {BrokerCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"midge " + dev.midge.broker.Broker.VERSION};
        }
    }
}
