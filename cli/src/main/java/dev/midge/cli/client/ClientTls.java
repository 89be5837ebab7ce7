package dev.midge.cli.client;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.TrustManagerFactory;

/** The client TLS context from mosquitto's --cafile, --capath, --cert, --key, --tls-version, --ciphers. */
final class ClientTls {
    private ClientTls() {
    }

    static SslContext context(Path cafile, Path capath, Path cert, Path key, String tlsVersion, String ciphers,
                              boolean osCerts) throws ToolError {
        try {
            SslContextBuilder b = SslContextBuilder.forClient();
            if (cafile != null || capath != null) {
                b.trustManager(trust(cafile, capath));
            } else if (!osCerts) {
                throw new ToolError("Error: Problem setting TLS options: no CA certificates.", 1, false);
            }
            if (cert != null || key != null) {
                if (cert == null || key == null) {
                    throw ToolError.usage("Error: Both certfile and keyfile must be provided if one of them is set.");
                }
                b.keyManager(cert.toFile(), key.toFile());
            }
            if (tlsVersion != null) {
                b.protocols(switch (tlsVersion) {
                    case "tlsv1.3" -> new String[] {"TLSv1.3"};
                    case "tlsv1.2" -> new String[] {"TLSv1.2"};
                    default -> throw ToolError.usage("Error: Unsupported TLS version " + tlsVersion
                            + " (Midge speaks tlsv1.2 and tlsv1.3).");
                });
            }
            if (ciphers != null) {
                b.ciphers(Arrays.asList(ciphers.split(":")));
            }
            return b.build();
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new ToolError("Error: Problem setting TLS options: " + readable(e) + ".", 1, false);
        }
    }

    private static String readable(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof java.nio.file.NoSuchFileException) {
            return "File not found";
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static TrustManagerFactory trust(Path cafile, Path capath) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<Path> files = new java.util.ArrayList<>();
        if (cafile != null) {
            files.add(cafile);
        }
        if (capath != null) {
            try (Stream<Path> s = Files.list(capath)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        int n = 0;
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                for (Certificate c : cf.generateCertificates(in)) {
                    ks.setCertificateEntry("ca" + n++, c);
                }
            } catch (GeneralSecurityException e) {
                if (f.equals(cafile)) {
                    throw e;
                }
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }
}
