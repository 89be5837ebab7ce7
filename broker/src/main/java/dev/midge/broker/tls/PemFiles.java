package dev.midge.broker.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads the PEM files a Mosquitto TLS listener points at: a certificate chain, and a private key
 * in any form openssl writes unencrypted (PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY", SEC1
 * "EC PRIVATE KEY").
 */
final class PemFiles {
    private PemFiles() {
    }

    static X509Certificate[] certificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            X509Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .toArray(new X509Certificate[0]);
            if (chain.length == 0) {
                throw new GeneralSecurityException(file + ": no certificate in it");
            }
            return chain;
        } catch (java.security.cert.CertificateException e) {
            throw new GeneralSecurityException(file + ": not a PEM certificate: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                // EC PARAMETERS blocks and the like come before the key: skip them
            }
        } catch (IOException | RuntimeException e) {
            throw new GeneralSecurityException(file + ": not a PEM private key: " + e.getMessage(), e);
        }
        throw new GeneralSecurityException(file + ": no unencrypted private key in it");
    }
}
