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
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
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
        files.addAll(capathFiles(tls.capath()));
        if (tls.crlfile() != null) {
            files.add(tls.crlfile());
        }
        return files;
    }

    private static List<Path> capathFiles(Path capath) throws IOException {
        if (capath == null) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(capath)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** A trust manager factory over the CAs, checking the CRL when one is configured. */
    static TrustManagerFactory trustManagers(TlsSettings tls) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        List<Path> caFiles = new ArrayList<>();
        if (tls.cafile() != null) {
            caFiles.add(tls.cafile());
        }
        caFiles.addAll(capathFiles(tls.capath()));
        int n = 0;
        for (Path f : caFiles) {
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(f)) {
                certs = cf.generateCertificates(in);
            } catch (GeneralSecurityException e) {
                if (f.equals(tls.cafile())) {
                    throw new GeneralSecurityException(f + ": not a PEM certificate file: " + e.getMessage(), e);
                }
                continue; // capath may hold other files (hash links, CRLs); Mosquitto skips them too
            }
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + n++, c);
            }
        }
        if (n == 0) {
            throw new GeneralSecurityException("no CA certificate found in " + caFiles);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (tls.crlfile() == null) {
            tmf.init(store);
            return tmf;
        }
        Collection<? extends CRL> crls;
        try (InputStream in = Files.newInputStream(tls.crlfile())) {
            crls = cf.generateCRLs(in);
        }
        PKIXBuilderParameters params = new PKIXBuilderParameters(store, new X509CertSelector());
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
        params.setRevocationEnabled(true);
        tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(new CertPathTrustManagerParameters(params));
        return tmf;
    }
}
