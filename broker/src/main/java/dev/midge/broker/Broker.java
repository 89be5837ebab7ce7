package dev.midge.broker;

import dev.midge.broker.auth.Authenticator;
import dev.midge.broker.auth.EnhancedAuthenticator;
import dev.midge.broker.auth.EnhancedAuthenticators;
import dev.midge.broker.auth.ScramAuthenticator;
import dev.midge.broker.auth.ScramCredentials;
import dev.midge.broker.auth.ScramMechanism;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.config.ConfigException;
import dev.midge.broker.config.Listener;
import dev.midge.broker.config.Security;
import dev.midge.broker.security.Authentication;
import dev.midge.broker.store.MemoryStore;
import dev.midge.broker.store.RocksStore;
import dev.midge.broker.store.Store;
import dev.midge.broker.sys.BrokerMetrics;
import dev.midge.broker.sys.SysTopics;
import dev.midge.broker.tls.TlsContext;
import dev.midge.broker.transport.ServerTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: builds every broker object with {@code new}; start() and stop(). */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    public static final String VERSION = versionOf();
    /** How often TLS certificate, key, CA and CRL files are checked for changes. */
    private static final int CERTIFICATE_POLL_SECONDS = 2;

    private final BrokerConfig config;
    private final BrokerContext context;
    private final Listeners listeners;
    private ServerTransport transport;
    private ConnectWarmUp warmUp;

    public Broker(BrokerConfig config) throws ConfigException {
        this(config, List.of());
    }

    /**
     * @param extraAuthenticators enhanced authentication methods offered besides the configured
     *                            ones (the SPI for embedding)
     */
    public Broker(BrokerConfig config, List<EnhancedAuthenticator> extraAuthenticators) throws ConfigException {
        this(config, extraAuthenticators, openStore(config));
    }

    /** With a store made by the caller (tests that observe or delay durability). */
    public Broker(BrokerConfig config, List<EnhancedAuthenticator> extraAuthenticators, Store store)
            throws ConfigException {
        this(config, extraAuthenticators, List.of(), store);
    }

    /**
     * @param passwordAuthenticators asked about user names and passwords before the password file
     *                               (the SPI for HTTP, JWT or database checks)
     */
    public Broker(BrokerConfig config, List<EnhancedAuthenticator> extraAuthenticators,
                  List<Authenticator> passwordAuthenticators, Store store) throws ConfigException {
        this.config = config;
        this.listeners = new Listeners(config.listeners());
        List<EnhancedAuthenticator> authenticators = new ArrayList<>(extraAuthenticators);
        if (config.scramCredentialsFile() != null) {
            ScramCredentials users = ScramCredentials.read(config.scramCredentialsFile());
            for (ScramMechanism m : ScramMechanism.values()) {
                authenticators.add(new ScramAuthenticator(m, users));
            }
        }
        this.context = BrokerContext.of(config, new EnhancedAuthenticators(authenticators),
                new Authentication(passwordAuthenticators), store);
    }

    private static Store openStore(BrokerConfig config) throws ConfigException {
        if (!config.persistence()) {
            return new MemoryStore();
        }
        try {
            return new RocksStore(config.persistenceLocation(), config.persistenceSyncMillis(),
                    config.persistenceGatherMillis(), config.persistenceMemoryBytes());
        } catch (IOException e) {
            throw new ConfigException("persistence_location " + config.persistenceLocation() + ": " + e.getMessage());
        }
    }

    /** Binds every listener; throws when none could be bound. */
    public synchronized Broker start() throws InterruptedException {
        config.warnings().forEach(LOG::warn);
        transport = new ServerTransport(Runtime.getRuntime().availableProcessors());
        if (context.store().durable()) {
            new StoreRecovery(context, transport.workers(), listeners.defaultSecurity()).run();
        }
        try {
            // Local-only mode binds 127.0.0.1 and ::1; a machine without IPv6 still gets IPv4.
            listeners.bind(transport, context, config.localOnly());
        } catch (RuntimeException | InterruptedException e) {
            transport.shutdown();
            context.store().close();
            context.authentication().close();
            throw e;
        }
        if (listeners.anyTls()) {
            transport.workers().next().scheduleWithFixedDelay(listeners::reloadChangedCertificates,
                    CERTIFICATE_POLL_SECONDS, CERTIFICATE_POLL_SECONDS, TimeUnit.SECONDS);
        }
        if (config.sysIntervalSeconds() > 0) {
            SysTopics sys = new SysTopics(context, VERSION);
            transport.workers().next().scheduleAtFixedRate(sys::publish, 0, config.sysIntervalSeconds(),
                    TimeUnit.SECONDS);
        }
        LOG.info("midge version {} running on {} ({}{}); {}.", VERSION, describeAddresses(),
                transport.transportName(), listeners.anyTls() ? ", " + TlsContext.providerName() : "",
                anonymousNote());
        startWarmUp();
        return this;
    }

    /**
     * Runs the connect path in the broker's first idle moments ({@link ConnectWarmUp}). Only the
     * clients of plain TCP listeners that take bare sockets go that way, so only with one of those.
     */
    private void startWarmUp() {
        int n = config.warmUpConnections();
        if (n == 0 || !listeners.anyBare()) {
            return;
        }
        BrokerMetrics metrics = context.metrics();
        warmUp = new ConnectWarmUp(transport, n, 2 * Runtime.getRuntime().availableProcessors(),
                () -> metrics.packetsReceived() > 0);
        warmUp.start();
    }

    /** SIGHUP: reloads password files, ACL files and TLS certificates without dropping anyone. */
    public void reload() {
        LOG.info("Reloading password, ACL and TLS files.");
        listeners.reload();
    }

    private String describeAddresses() {
        return String.join(", ", listeners.described())
                + (config.localOnly() ? " (local only: no listener configured)" : "");
    }

    /** Why a client would be refused, in plain words (Mosquitto 2.0's most reported confusion). */
    private String anonymousNote() {
        Set<String> notes = new LinkedHashSet<>();
        List<String> perListener = new ArrayList<>();
        for (Listener l : config.listeners()) {
            String note = securityNote(l.security(), config.localOnly());
            notes.add(note);
            perListener.add(l.describe() + ": " + note);
        }
        return notes.size() == 1 ? notes.iterator().next() : "per listener: " + String.join(" | ", perListener);
    }

    private static String securityNote(Security sec, boolean localOnly) {
        String note = sec.allowAnonymous() ? "anonymous access is on"
                : "anonymous access is off: clients without a user name are refused"
                + (localOnly ? "" : " (allow_anonymous defaults to false once a listener is configured)");
        if (sec.passwordFile() != null) {
            note += "; user names and passwords are checked against " + sec.passwordFile();
        }
        if (sec.aclFile() != null) {
            note += "; topics are limited by the ACL in " + sec.aclFile();
        }
        return note;
    }

    /** The port of the first listener (the real one when 0 was configured). */
    public int port() {
        return listeners.addresses().get(0).getPort();
    }

    /** The bound addresses, in the order of the configured listeners. */
    public List<InetSocketAddress> addresses() {
        return listeners.addresses();
    }

    /** The warm-up started with the listeners, or null (none configured, or stopped). */
    ConnectWarmUp warmUp() {
        return warmUp;
    }

    public BrokerContext context() {
        return context;
    }

    public synchronized void stop() {
        if (warmUp != null) {
            try {
                warmUp.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            warmUp = null;
        }
        if (transport != null) {
            transport.shutdown();
            transport = null;
            context.store().close();
            context.authentication().close();
            LOG.info("midge stopped.");
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static String versionOf() {
        String v = Broker.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
