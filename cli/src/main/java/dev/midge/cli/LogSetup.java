package dev.midge.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import dev.midge.broker.config.BrokerConfig;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Applies Mosquitto's log_dest and log_type to Logback: stdout, stderr and files as destinations
 * (stderr when none is given, as Mosquitto), and the most detailed enabled log_type as the level.
 * The per-client event log follows the config's verbose flag (-v, connection_messages, and
 * log_type subscribe / unsubscribe / debug / all).
 */
final class LogSetup {
    private LogSetup() {
    }

    static void apply(BrokerConfig config) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        List<String> types = config.logTypes();
        if (!types.isEmpty()) {
            root.setLevel(level(types));
        }
        if (config.verbose()) {
            ctx.getLogger("dev.midge.broker.connections").setLevel(Level.INFO);
        }
        if (config.logDestinations().isEmpty()) {
            return; // logback.xml: stderr
        }
        root.detachAndStopAllAppenders();
        for (String dest : config.logDestinations()) {
            OutputStreamAppender<ILoggingEvent> appender;
            if (dest.startsWith("file ")) {
                FileAppender<ILoggingEvent> file = new FileAppender<>();
                file.setFile(dest.substring(5));
                file.setAppend(true);
                appender = LogConfigurator.started(ctx, file, dest);
            } else {
                appender = LogConfigurator.console(ctx, dest);
            }
            root.addAppender(appender);
        }
    }

    private static Level level(List<String> types) {
        if (types.contains("debug") || types.contains("all")) {
            return Level.DEBUG;
        }
        if (types.contains("information") || types.contains("notice") || types.contains("subscribe")
                || types.contains("unsubscribe") || types.contains("websockets")) {
            return Level.INFO;
        }
        if (types.contains("warning")) {
            return Level.WARN;
        }
        if (types.contains("error")) {
            return Level.ERROR;
        }
        return Level.OFF; // log_type none
    }
}
