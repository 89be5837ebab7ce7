package dev.midge.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's default set-up, in code: broker output to stderr (Mosquitto's log_dest default),
 * Netty at WARN, per-client events off until -v or log_type asks. Reading a logback.xml costs
 * about a third of a second at start-up (XML parser, Joran); this costs almost nothing.
 * {@link LogSetup} then applies log_dest and log_type.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS} %-5level %msg%n";

    /** Gives {@code appender} Midge's line layout and starts it. */
    static OutputStreamAppender<ILoggingEvent> started(LoggerContext ctx, OutputStreamAppender<ILoggingEvent> appender,
                                                       String name) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();
        appender.setContext(ctx);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    /** A console appender on System.out ("stdout") or System.err (anything else), started. */
    static OutputStreamAppender<ILoggingEvent> console(LoggerContext ctx, String target) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget(target.equals("stdout") ? "System.out" : "System.err");
        return started(ctx, console, target);
    }

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        OutputStreamAppender<ILoggingEvent> stderr = console(ctx, "stderr");
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        ctx.getLogger("io.netty").setLevel(Level.WARN);
        ctx.getLogger("dev.midge.broker.connections").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
