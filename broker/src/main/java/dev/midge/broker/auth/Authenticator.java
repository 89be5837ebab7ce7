package dev.midge.broker.auth;

/**
 * Decides on the user name and password of a CONNECT: the SPI behind password_file, and the seam
 * for HTTP, JWT or database checks. Calls may block: they run on the broker's authentication
 * threads, never on an event loop. Authenticators are asked in order; the first answer other than
 * {@link Decision#ABSTAIN} counts.
 */
public interface Authenticator {
    enum Decision { ALLOW, DENY, ABSTAIN }

    Decision authenticate(Credentials credentials);
}
