package dev.midge.broker.config;

import java.nio.file.Path;

/**
 * A TLS listener's settings, with Mosquitto's key names.
 *
 * @param certfile              the server certificate chain (PEM)
 * @param keyfile               its private key (PEM: PKCS#8, PKCS#1 or SEC1)
 * @param cafile                CA certificates that client certificates are checked against, or null
 * @param capath                a directory of CA certificates, or null
 * @param minimumVersion        "TLSv1.2" (1.2 and 1.3) or "TLSv1.3"
 * @param ciphers               OpenSSL cipher names separated by ':', or null for the defaults
 * @param requireCertificate    clients must present a certificate signed by the CA
 * @param useIdentityAsUsername the client certificate's CN becomes the user name
 * @param useSubjectAsUsername  the client certificate's subject (RFC 2253) becomes the user name
 * @param crlfile               revoked client certificates (PEM CRL), or null
 */
public record TlsSettings(Path certfile, Path keyfile, Path cafile, Path capath, String minimumVersion,
                          String ciphers, boolean requireCertificate, boolean useIdentityAsUsername,
                          boolean useSubjectAsUsername, Path crlfile) {
    /** Whether the user name comes from the client certificate rather than the CONNECT packet. */
    public boolean usernameFromCertificate() {
        return useIdentityAsUsername || useSubjectAsUsername;
    }
}
