package dev.midge.broker.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CA certificates as Mosquitto's cafile / capath name them, for the broker's listeners and the
 * client tools alike: every certificate of the PEM file, and of each regular file of the directory
 * (files there that are not certificates, such as hash links or CRLs, are skipped, as OpenSSL does).
 */
public final class CaCertificates {
    private CaCertificates() {
    }

    /** The regular files of {@code capath}, sorted (none when it is null). */
    static List<Path> capathFiles(Path capath) throws IOException {
        if (capath == null) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(capath)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** A key store holding the certificates; a cafile that is not PEM certificates is an error. */
    public static KeyStore keyStore(Path cafile, Path capath) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        List<Path> files = new ArrayList<>();
        if (cafile != null) {
            files.add(cafile);
        }
        files.addAll(capathFiles(capath));
        int n = 0;
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                for (Certificate c : cf.generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + n++, c);
                }
            } catch (GeneralSecurityException e) {
                if (f.equals(cafile)) {
                    throw new GeneralSecurityException(f + ": not a PEM certificate file: " + e.getMessage(), e);
                }
            }
        }
        return store;
    }
}
