package dev.midge.broker.tls;

import dev.midge.broker.config.TlsSettings;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;

/** The user name a verified client certificate stands for (use_identity_as_username and friends). */
public final class PeerIdentity {
    private PeerIdentity() {
    }

    /**
     * The certificate's common name (use_identity_as_username) or its whole subject in RFC 2253
     * form (use_subject_as_username); null when the connection has no verified certificate.
     */
    public static String of(Channel channel, TlsSettings tls) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        Certificate[] chain;
        try {
            chain = ssl.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
            return null;
        }
        X500Principal subject = cert.getSubjectX500Principal();
        if (tls.useSubjectAsUsername()) {
            return subject.getName(X500Principal.RFC2253);
        }
        return commonName(subject);
    }

    static String commonName(X500Principal subject) {
        try {
            String cn = null;
            for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = rdn.getValue().toString(); // the most specific (last in RFC 2253 order is first in list)
                }
            }
            return cn;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
