package dev.midge.broker.auth;

import java.net.SocketAddress;

/**
 * What a CONNECT presents to an {@link Authenticator}.
 *
 * @param clientId     the client identifier (assigned already when the client sent none)
 * @param username     the user name, or null; with use_identity_as_username it comes from the
 *                     client certificate
 * @param password     the password bytes, or null
 * @param remote       the client's address
 * @param fromCertificate whether the user name was proven by a client certificate
 */
public record Credentials(String clientId, String username, byte[] password, SocketAddress remote,
                          boolean fromCertificate) {
}
