package dev.midge.broker.auth;

/**
 * An MQTT 5 enhanced authentication method (spec 4.12): the SPI behind the AUTH packet flow.
 * An implementation is shared by all connections; each authentication gets its own
 * {@link Exchange}, used on one event loop only.
 */
public interface EnhancedAuthenticator {
    /** The Authentication Method name clients put in CONNECT, e.g. {@code SCRAM-SHA-256}. */
    String method();

    /** Starts an authentication (at CONNECT, or a re-authentication on a live connection). */
    Exchange begin(String clientId);

    /** One authentication in progress. */
    interface Exchange {
        /** Takes the client's Authentication Data (possibly empty) and says what comes next. */
        Step step(byte[] clientData);
    }

    /**
     * The outcome of one step: send {@code data} and wait for more (CONTINUE), or finish, with
     * {@code data} as the last server message (SUCCESS) or a refusal (FAILURE).
     *
     * @param username the authenticated identity, on SUCCESS
     */
    record Step(Outcome outcome, byte[] data, String username, String reason) {
        public enum Outcome { CONTINUE, SUCCESS, FAILURE }

        public static Step more(byte[] data) {
            return new Step(Outcome.CONTINUE, data, null, null);
        }

        public static Step success(byte[] data, String username) {
            return new Step(Outcome.SUCCESS, data, username, null);
        }

        public static Step failure(String reason) {
            return new Step(Outcome.FAILURE, new byte[0], null, reason);
        }
    }
}
