package dev.midge.broker.security;

import dev.midge.broker.auth.Authenticator;
import dev.midge.broker.auth.Credentials;
import dev.midge.broker.auth.PasswordFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the user name and password of CONNECTs: plugged-in {@link Authenticator}s first, then
 * the password file. Hashing (PBKDF2, argon2id) runs on two authentication threads, never on an
 * event loop; the answer goes back to the connection's loop, a refusal after the
 * {@link LoginThrottle}'s delay for its source address.
 */
public final class Authentication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Authentication.class);

    public enum Result { ALLOWED, DENIED, BUSY }

    private final List<Authenticator> authenticators;
    private final LoginThrottle throttle = new LoginThrottle();
    private final ThreadPoolExecutor threads;

    public Authentication(List<Authenticator> authenticators) {
        this.authenticators = List.copyOf(authenticators);
        this.threads = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "midge-auth");
            t.setDaemon(true);
            return t;
        });
    }

    /** Decides on {@code credentials} and calls {@code then} on {@code loop} with the result. */
    public void check(ListenerSecurity security, Credentials credentials, EventLoop loop, Consumer<Result> then) {
        PasswordFile passwords = security.passwords();
        if (authenticators.isEmpty() && (passwords == null || credentials.fromCertificate())) {
            // nothing to hash: a certificate proved the name, or no password file (Mosquitto accepts any name)
            then.accept(Result.ALLOWED);
            return;
        }
        try {
            threads.execute(() -> {
                Result r = decide(passwords, credentials);
                InetAddress source = credentials.remote() instanceof InetSocketAddress a ? a.getAddress() : null;
                if (r == Result.ALLOWED) {
                    throttle.succeeded(source);
                    loop.execute(() -> then.accept(r));
                } else {
                    long delay = throttle.failed(source, System.currentTimeMillis());
                    loop.schedule(() -> then.accept(r), delay, TimeUnit.MILLISECONDS);
                }
            });
        } catch (RejectedExecutionException e) {
            then.accept(Result.BUSY);
        }
    }

    private Result decide(PasswordFile passwords, Credentials c) {
        for (Authenticator a : authenticators) {
            try {
                Authenticator.Decision d = a.authenticate(c);
                if (d != Authenticator.Decision.ABSTAIN) {
                    return d == Authenticator.Decision.ALLOW ? Result.ALLOWED : Result.DENIED;
                }
            } catch (RuntimeException e) {
                LOG.error("Authenticator {} failed; the client is refused", a.getClass().getName(), e);
                return Result.DENIED;
            }
        }
        if (passwords == null || c.fromCertificate()) {
            return Result.ALLOWED;
        }
        return passwords.check(c.username(), c.password()) ? Result.ALLOWED : Result.DENIED;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
