package dev.midge.broker.tls;

import dev.midge.broker.config.TlsSettings;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context of one listener, rebuilt when its certificate, key, CA or CRL files change:
 * new handshakes use the new context, connections already open keep theirs (nothing is dropped).
 * BoringSSL (netty-tcnative) when it loads, the JDK's TLS otherwise; TLS 1.2 and 1.3 only.
 */
public final class TlsContext {
    private static final Logger LOG = LoggerFactory.getLogger(TlsContext.class);

    private final TlsSettings settings;
    private volatile SslContext current;
    /** Modification times and sizes of the files {@link #current} was built from. */
    private volatile List<Object> fingerprint;

    private TlsContext(TlsSettings settings) {
        this.settings = settings;
    }

    /** Builds the context; a missing or unreadable file stops startup with a readable reason. */
    public static TlsContext load(TlsSettings settings) throws IOException, GeneralSecurityException {
        TlsContext t = new TlsContext(settings);
        t.fingerprint = t.fingerprintNow();
        t.current = build(settings);
        return t;
    }

    public SslContext current() {
        return current;
    }

    public TlsSettings settings() {
        return settings;
    }

    public static String providerName() {
        return OpenSsl.isAvailable() ? OpenSsl.versionString() + " (netty-tcnative)" : "JDK TLS";
    }

    /** Rebuilds when a file changed since the last build; returns whether it did. Never throws. */
    public boolean reloadIfChanged() {
        List<Object> now;
        try {
            now = fingerprintNow();
        } catch (IOException e) {
            return false; // a file is being replaced; look again next time
        }
        if (now.equals(fingerprint)) {
            return false;
        }
        return reload(now);
    }

    /** Rebuilds now (SIGHUP); on failure the previous context stays in force and the reason is logged. */
    public boolean reload() {
        try {
            return reload(fingerprintNow());
        } catch (IOException e) {
            LOG.error("TLS files of {} not reloaded, the previous ones stay in force: {}", settings.certfile(),
                    e.getMessage());
            return false;
        }
    }

    private boolean reload(List<Object> now) {
        try {
            current = build(settings);
            fingerprint = now;
            LOG.info("Reloaded TLS certificate {} (open connections keep theirs).", settings.certfile());
            return true;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // e.g. the certificate was written before its key: keep the old one until both match
            fingerprint = now;
            LOG.error("TLS files of {} not reloaded, the previous ones stay in force: {}", settings.certfile(),
                    e.getMessage());
            return false;
        }
    }

    private List<Object> fingerprintNow() throws IOException {
        List<Object> f = new ArrayList<>();
        for (Path p : TrustMaterial.watchedFiles(settings)) {
            f.add(p);
            f.add(Files.getLastModifiedTime(p).toMillis());
            f.add(Files.size(p));
        }
        return f;
    }

    private static SslContext build(TlsSettings tls) throws IOException, GeneralSecurityException {
        SslContextBuilder b = SslContextBuilder.forServer(PemFiles.privateKey(tls.keyfile()),
                PemFiles.certificates(tls.certfile()));
        b.sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
        b.protocols(tls.minimumVersion().equals("TLSv1.3") ? new String[] {"TLSv1.3"}
                : new String[] {"TLSv1.3", "TLSv1.2"});
        if (tls.ciphers() != null) {
            b.ciphers(Arrays.asList(tls.ciphers().split(":")));
        }
        if (tls.cafile() != null || tls.capath() != null) {
            b.trustManager(TrustMaterial.trustManagers(tls));
            b.clientAuth(tls.requireCertificate() ? ClientAuth.REQUIRE : ClientAuth.NONE);
        }
        try {
            return b.build();
        } catch (SSLException e) {
            throw new GeneralSecurityException(tls.certfile() + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
