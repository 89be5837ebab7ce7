package dev.midge.cli;

import dev.midge.broker.Broker;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.config.ConfigException;
import dev.midge.broker.config.ConfigParser;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code midge broker [-c FILE] [-p PORT] [-v]}: the options of the mosquitto command. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the MQTT broker. Without a config file it listens on localhost:1883 with anonymous "
                + "access, like Mosquitto 2.0.")
public final class BrokerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerCommand.class);
    /**
     * Loopback clients the broker runs through its connect path once it listens, unless the config
     * file says otherwise (warm_up_connections): enough for the JVM to compile that path.
     */
    static final int WARM_UP_CONNECTIONS = 500;

    @Option(names = {"-c", "--config-file"}, paramLabel = "FILE", description = "mosquitto.conf-style config file")
    Path configFile;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
            description = "listen on this port on localhost (when the config has no listener)")
    Integer port;

    @Option(names = {"-v", "--verbose"}, description = "log every connect, subscribe and disconnect")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        BrokerConfig.Builder builder = BrokerConfig.builder().verbose(verbose).warmUpConnections(WARM_UP_CONNECTIONS);
        if (configFile != null) {
            try {
                ConfigParser.parse(configFile, builder);
            } catch (ConfigException e) {
                System.err.println("Error: " + e.getMessage());
                return 3;
            }
        }
        if (port != null) {
            builder.port(port);
        }
        BrokerConfig config = builder.build();
        LogSetup.apply(config);
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty samples 1 buffer in 128 with a stack trace: ~1% of a busy broker's CPU. The
            // tests run with it on; -Dio.netty.leakDetection.level=paranoid turns it back on here.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        // written before the broker starts, as Mosquitto does: when "running on" is logged it exists
        Path pidFile = config.pidFile();
        if (pidFile != null) {
            try {
                Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
            } catch (IOException e) {
                LOG.error("Cannot write pid_file {}: {}", pidFile, e.getMessage());
            }
        }
        Broker broker;
        try {
            broker = new Broker(config).start();
        } catch (ConfigException e) {
            System.err.println("Error: " + e.getMessage());
            deletePidFile(pidFile);
            return 3;
        } catch (IllegalStateException e) {
            System.err.println("Error: " + e.getMessage());
            deletePidFile(pidFile);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.stop();
            deletePidFile(pidFile);
            stopped.countDown();
        }, "midge-shutdown"));
        // Mosquitto reloads password, ACL and certificate files on SIGHUP (and the JVM would exit)
        Signal.handle(new Signal("HUP"), s -> broker.reload());
        stopped.await();
        return 0;
    }

    private static void deletePidFile(Path pidFile) {
        if (pidFile != null) {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                // the process is ending; a stale pid file is what Mosquitto leaves too
            }
        }
    }
}
