package dev.midge.broker.connection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection events in Mosquitto's wording, at INFO with {@code -v} / connection_messages, else
 * at DEBUG, so that people who grep Mosquitto logs find the same lines.
 */
public final class ConnectionLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.midge.broker.connections");
    private final boolean verbose;

    public ConnectionLog(boolean verbose) {
        this.verbose = verbose;
    }

    /** Whether events are written at all: callers on hot paths skip building their arguments. */
    public boolean enabled() {
        return verbose ? LOG.isInfoEnabled() : LOG.isDebugEnabled();
    }

    public void event(String format, Object... args) {
        if (verbose) {
            LOG.info(format, args);
        } else {
            LOG.debug(format, args);
        }
    }
}
