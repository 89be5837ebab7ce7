package dev.midge.broker.transport;

import dev.midge.broker.config.Listener;
import dev.midge.broker.security.ListenerSecurity;
import dev.midge.broker.tls.TlsContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One bound listener at run time: its settings, the security in force for it, its TLS context
 * (null for plain TCP) and its count of open connections (for max_connections).
 */
public final class ListenerContext {
    private final Listener listener;
    private final ListenerSecurity security;
    private final TlsContext tls;
    private final AtomicInteger open = new AtomicInteger();

    public ListenerContext(Listener listener, ListenerSecurity security, TlsContext tls) {
        this.listener = listener;
        this.security = security;
        this.tls = tls;
    }

    public Listener listener() {
        return listener;
    }

    public ListenerSecurity security() {
        return security;
    }

    /** The TLS context, or null for a plain listener. */
    public TlsContext tls() {
        return tls;
    }

    /** Counts a new connection; false (and not counted) when max_connections is reached. */
    public boolean admit() {
        int max = listener.maxConnections();
        if (max < 0) {
            open.incrementAndGet();
            return true;
        }
        while (true) {
            int n = open.get();
            if (n >= max) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void closed() {
        open.decrementAndGet();
    }
}
