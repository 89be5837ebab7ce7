package dev.midge.broker.config;

import java.nio.file.Path;

/**
 * The settings of one listener while a config is read: the keys that follow a {@code listener}
 * line (or, before any, the default listener's). Checked and frozen by {@link #build}.
 */
public final class ListenerSettings {
    final String host;
    int port;
    /** Where the listener was declared, for errors found once the block is complete. */
    final String origin;
    Listener.Protocol protocol = Listener.Protocol.MQTT;
    String bindInterface;
    int maxConnections = -1;
    Path certfile;
    Path keyfile;
    Path cafile;
    Path capath;
    String tlsVersion = "TLSv1.2";
    String ciphers;
    boolean requireCertificate;
    boolean useIdentityAsUsername;
    boolean useSubjectAsUsername;
    Path crlfile;
    Boolean allowAnonymous;
    Path passwordFile;
    Path aclFile;

    ListenerSettings(String host, int port, String origin) {
        this.host = host;
        this.port = port;
        this.origin = origin;
    }

    public ListenerSettings protocol(Listener.Protocol protocol) {
        this.protocol = protocol;
        return this;
    }

    public ListenerSettings maxConnections(int n) {
        this.maxConnections = n;
        return this;
    }

    /** Makes this a TLS listener with the given certificate chain and key. */
    public ListenerSettings tls(Path certfile, Path keyfile) {
        this.certfile = certfile;
        this.keyfile = keyfile;
        return this;
    }

    public ListenerSettings cafile(Path cafile) {
        this.cafile = cafile;
        return this;
    }

    public ListenerSettings crlfile(Path crlfile) {
        this.crlfile = crlfile;
        return this;
    }

    public ListenerSettings requireCertificate(boolean require) {
        this.requireCertificate = require;
        return this;
    }

    public ListenerSettings useIdentityAsUsername(boolean use) {
        this.useIdentityAsUsername = use;
        return this;
    }

    public ListenerSettings useSubjectAsUsername(boolean use) {
        this.useSubjectAsUsername = use;
        return this;
    }

    private boolean anyTls() {
        return certfile != null || keyfile != null || cafile != null || capath != null || requireCertificate
                || crlfile != null;
    }

    /** Settings that only make sense together, checked once the block is complete. */
    void check() throws ConfigException {
        if (anyTls()) {
            if (certfile == null || keyfile == null) {
                throw new ConfigException(origin + ": a TLS listener needs both certfile and keyfile");
            }
            if (requireCertificate && cafile == null && capath == null) {
                throw new ConfigException(origin + ": require_certificate needs cafile or capath");
            }
            if ((useIdentityAsUsername || useSubjectAsUsername) && !requireCertificate) {
                throw new ConfigException(origin
                        + ": use_identity_as_username / use_subject_as_username need require_certificate true");
            }
        }
    }

    Listener build(String host, Security security) {
        TlsSettings tls = null;
        if (anyTls()) {
            tls = new TlsSettings(certfile, keyfile, cafile, capath, tlsVersion, ciphers, requireCertificate,
                    useIdentityAsUsername, useSubjectAsUsername, crlfile);
        }
        return new Listener(host, port, protocol, bindInterface, maxConnections, tls, security);
    }
}
