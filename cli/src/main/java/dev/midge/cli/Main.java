package dev.midge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code midge <command>}: the broker and, as they arrive, the client tools. */
@Command(name = "midge", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "An MQTT broker for the JVM with Mosquitto-compatible tools.")
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Each command by name, so that a run builds only its own picocli model (start-up time). */
    private static final java.util.Map<String, java.util.function.Supplier<Object>> COMMANDS = commands();

    /** Netty's switch for its buffer allocator's JFR events (read once, when Netty first loads). */
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    /**
     * Turns off Netty's JFR events unless the user asked for them ({@code -Dio.netty.jfr.enabled=true}).
     * With them on, the allocator's first chunk registers its event classes with the flight
     * recorder, which loads and sets up JFR's metadata: ~90 ms on an I/O loop while a fresh broker
     * takes its first clients, and memory, for events that no recording enables by default
     * (BENCHMARKS.md, session 14). The JVM's own JFR events are not affected.
     */
    static void withoutNettyFlightRecorderEvents() {
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
    }

    /** The one list of commands, in the order `midge --help` shows them. */
    private static java.util.Map<String, java.util.function.Supplier<Object>> commands() {
        java.util.Map<String, java.util.function.Supplier<Object>> c = new java.util.LinkedHashMap<>();
        c.put("broker", BrokerCommand::new);
        c.put("pub", PubCommand::new);
        c.put("sub", SubCommand::new);
        c.put("rr", RrCommand::new);
        c.put("passwd", PasswdCommand::new);
        c.put("bench", dev.midge.cli.bench.BenchCommand::new);
        return c;
    }

    public static void main(String[] args) {
        withoutNettyFlightRecorderEvents();
        try {
            String[] expanded = OptionsFile.expand(args);
            if (expanded.length > 0 && COMMANDS.containsKey(expanded[0])) {
                // the one command alone, named "midge <command>" as it is as a subcommand
                CommandLine one = withMosquittoErrors(new CommandLine(COMMANDS.get(expanded[0]).get()));
                one.setCommandName("midge " + expanded[0]);
                System.exit(one.execute(java.util.Arrays.copyOfRange(expanded, 1, expanded.length)));
            }
            System.exit(commandLine().execute(expanded));
        } catch (java.io.IOException e) {
            System.err.println("Error: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The command line with mosquitto's wording for argument errors (no stack traces, exit code 1). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        COMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
        return withMosquittoErrors(cl);
    }

    private static CommandLine withMosquittoErrors(CommandLine cl) {
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            String msg = ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                    ? "Error: Unknown option '" + u.getUnmatched().get(0) + "'." : "Error: " + ex.getMessage();
            cmd.getErr().println(msg);
            cmd.getErr().println();
            cmd.getErr().println("Use '" + cmd.getCommandSpec().qualifiedName() + " --help' to see usage.");
            return 1;
        });
        return cl;
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
