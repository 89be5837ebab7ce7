package dev.midge.cli.client;

import dev.midge.broker.tls.CaCertificates;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
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
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(CaCertificates.keyStore(cafile, capath));
        return tmf;
    }
}
