package dev.midge.broker;

import dev.midge.broker.config.ConfigException;
import dev.midge.broker.config.Listener;
import dev.midge.broker.config.Security;
import dev.midge.broker.connection.MqttChannelInitializer;
import dev.midge.broker.security.ListenerSecurity;
import dev.midge.broker.tls.TlsContext;
import dev.midge.broker.transport.ListenerContext;
import dev.midge.broker.transport.ServerTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured listeners at run time: their security (one per distinct {@link Security}, so the
 * broker-wide setting is loaded once), TLS contexts, binding, and reloading (SIGHUP, and the TLS
 * files watched for changes).
 */
final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<ListenerContext> contexts = new ArrayList<>();
    private final List<ListenerSecurity> securities = new ArrayList<>();
    private final List<TlsContext> tls = new ArrayList<>();
    private final List<InetSocketAddress> bound = new ArrayList<>();
    private final List<String> described = new ArrayList<>();
    private boolean anyBare;

    /** Reads every password, ACL and TLS file; a bad one stops startup with a readable reason. */
    Listeners(List<Listener> listeners) throws ConfigException {
        Map<Security, ListenerSecurity> loaded = new IdentityHashMap<>();
        for (Listener l : listeners) {
            ListenerSecurity security = loaded.get(l.security());
            if (security == null) {
                security = ListenerSecurity.load(l.security());
                loaded.put(l.security(), security);
                securities.add(security);
            }
            TlsContext context = null;
            if (l.isTls()) {
                try {
                    context = TlsContext.load(l.tls());
                } catch (IOException | GeneralSecurityException e) {
                    throw new ConfigException("listener " + l.describe() + ": TLS: " + e.getMessage());
                }
                tls.add(context);
            }
            contexts.add(new ListenerContext(l, security, context));
        }
    }

    /** The security of the first listener: what sessions restored from the store are checked with. */
    ListenerSecurity defaultSecurity() {
        return contexts.get(0).security();
    }

    /**
     * Binds each listener. In local-only mode a listener that cannot be bound (no IPv6) is only a
     * warning; otherwise it is an error.
     */
    void bind(ServerTransport transport, BrokerContext broker, boolean localOnly) throws InterruptedException {
        for (ListenerContext c : contexts) {
            Listener l = c.listener();
            try {
                for (String host : hosts(l)) {
                    Listener at = new Listener(host, l.port(), l.protocol(), null, l.maxConnections(), l.tls(),
                            l.security());
                    MqttChannelInitializer pipelines = new MqttChannelInitializer(broker, c);
                    boolean bare = bare(transport, broker, c);
                    InetSocketAddress a = bare ? transport.bindBare(at, pipelines) : transport.bind(at, pipelines);
                    anyBare |= bare;
                    bound.add(a);
                    // the real port when 0 was configured
                    described.add(new Listener(host, a.getPort(), l.protocol(), null, l.maxConnections(), l.tls(),
                            l.security()).describe());
                }
            } catch (Exception e) {
                if (!localOnly) {
                    throw new IllegalStateException("cannot listen on " + l.describe() + ": " + e.getMessage(), e);
                }
                LOG.warn("Cannot listen on {}: {}", l.describe(), e.getMessage());
            }
        }
        if (bound.isEmpty()) {
            throw new IllegalStateException("no listener could be bound");
        }
    }

    /**
     * Plain TCP clients come in as bare sockets when idle connections may sleep: one that connects
     * and goes quiet never gets a channel (see {@link MqttChannelInitializer#accepted}).
     */
    private static boolean bare(ServerTransport transport, BrokerContext broker, ListenerContext c) {
        return transport.acceptsBare() && broker.config().sleepIdleConnections() && c.tls() == null
                && c.listener().protocol() == Listener.Protocol.MQTT;
    }

    /** bind_interface: every address of the named interface; otherwise the listener's host. */
    private static List<String> hosts(Listener l) throws SocketException {
        if (l.bindInterface() == null) {
            return java.util.Collections.singletonList(l.host());
        }
        NetworkInterface nif = NetworkInterface.getByName(l.bindInterface());
        if (nif == null) {
            throw new SocketException("no network interface named " + l.bindInterface());
        }
        List<String> hosts = new ArrayList<>();
        for (InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
            if (!a.isLinkLocalAddress()) {
                hosts.add(a.getHostAddress());
            }
        }
        if (hosts.isEmpty()) {
            throw new SocketException("interface " + l.bindInterface() + " has no address");
        }
        return hosts;
    }

    List<InetSocketAddress> addresses() {
        return List.copyOf(bound);
    }

    List<String> described() {
        return List.copyOf(described);
    }

    /** Whether some bound listener takes its clients as bare sockets (plain TCP that may sleep). */
    boolean anyBare() {
        return anyBare;
    }

    boolean anyTls() {
        return !tls.isEmpty();
    }

    /** SIGHUP: password files, ACL files and TLS files again; what fails to load keeps its old version. */
    void reload() {
        securities.forEach(ListenerSecurity::reload);
        tls.forEach(TlsContext::reload);
    }

    /** Polled: rebuilds the TLS contexts whose files changed (certbot, cert-manager renewals). */
    void reloadChangedCertificates() {
        tls.forEach(TlsContext::reloadIfChanged);
    }
}
