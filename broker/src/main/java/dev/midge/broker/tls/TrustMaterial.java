package dev.midge.broker.tls;

import dev.midge.broker.config.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CRL;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManagerFactory;

/** The CA certificates (cafile, capath) and CRL a TLS listener checks client certificates with. */
final class TrustMaterial {
    private TrustMaterial() {
    }

    /** The files whose change means the listener's TLS context must be rebuilt. */
    static List<Path> watchedFiles(TlsSettings tls) throws IOException {
        List<Path> files = new ArrayList<>(List.of(tls.certfile(), tls.keyfile()));
        if (tls.cafile() != null) {
            files.add(tls.cafile());
        }
        files.addAll(CaCertificates.capathFiles(tls.capath()));
        if (tls.crlfile() != null) {
            files.add(tls.crlfile());
        }
        return files;
    }

    /** A trust manager factory over the CAs, checking the CRL when one is configured. */
    static TrustManagerFactory trustManagers(TlsSettings tls) throws IOException, GeneralSecurityException {
        KeyStore store = CaCertificates.keyStore(tls.cafile(), tls.capath());
        if (store.size() == 0) {
            throw new GeneralSecurityException("no CA certificate found in " + (tls.cafile() != null ? tls.cafile()
                    : tls.capath()));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (tls.crlfile() == null) {
            tmf.init(store);
            return tmf;
        }
        Collection<? extends CRL> crls;
        try (InputStream in = Files.newInputStream(tls.crlfile())) {
            crls = CertificateFactory.getInstance("X.509").generateCRLs(in);
        }
        PKIXBuilderParameters params = new PKIXBuilderParameters(store, new X509CertSelector());
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
        params.setRevocationEnabled(true);
        tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(new CertPathTrustManagerParameters(params));
        return tmf;
    }
}
