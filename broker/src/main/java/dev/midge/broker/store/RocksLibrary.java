package dev.midge.broker.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's native library (15 MB) from a per-user cache, {@code $XDG_CACHE_HOME/midge} or
 * {@code ~/.cache/midge}, where it is extracted once per library build. RocksDB's own loader
 * extracts it to a new temporary file on every start (~170 ms of the broker's start here) and
 * deletes that file only when the JVM exits normally, so every killed broker left 15 MB behind in
 * the temporary directory. Without a usable cache directory RocksDB's own loader runs.
 */
final class RocksLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(RocksLibrary.class);

    private RocksLibrary() {
    }

    static void load() {
        try {
            Path dir = cachedCopy();
            if (dir != null) {
                RocksDB.loadLibrary(List.of(dir.toString()));
                return;
            }
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            LOG.warn("RocksDB's native library could not be loaded from the cache ({}); extracting it to a "
                    + "temporary file instead.", e.toString());
        }
        RocksDB.loadLibrary();
    }

    /** The cache directory holding this build of the library, extracted if need be; null: no cache. */
    private static Path cachedCopy() throws IOException {
        URL source = RocksDB.class.getResource("/" + Environment.getJniLibraryFileName("rocksdb"));
        Path root = cacheRoot();
        if (source == null || root == null) {
            return null;
        }
        URLConnection connection = source.openConnection();
        if (!(connection instanceof JarURLConnection jarConnection)) {
            return null;
        }
        jarConnection.setUseCaches(false); // a JarFile of our own, closed below, not one held for good
        try (JarFile jar = jarConnection.getJarFile()) {
            JarEntry entry = jar.getJarEntry(jarConnection.getEntryName());
            if (entry == null || entry.getCrc() < 0 || entry.getSize() < 0) {
                return null;
            }
            Path dir = root.resolve("rocksdbjni-" + Long.toHexString(entry.getCrc()) + "-" + entry.getSize());
            // the name RocksDB.loadLibrary(paths) looks for, whatever it is in this version
            Path file = dir.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
            if (!Files.isRegularFile(file) || Files.size(file) != entry.getSize()) {
                extract(jar, entry, file);
                LOG.info("RocksDB's native library extracted once to {}.", dir);
            }
            return dir;
        }
    }

    /** Writes the entry to {@code file} whole or not at all, also when brokers start side by side. */
    private static void extract(JarFile jar, JarEntry entry, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = Files.createTempFile(file.getParent(), "extracting-", ".tmp");
        try {
            CRC32 check = new CRC32();
            try (InputStream in = jar.getInputStream(entry); OutputStream out = Files.newOutputStream(partial)) {
                byte[] chunk = new byte[1 << 16];
                for (int n; (n = in.read(chunk)) > 0; ) {
                    check.update(chunk, 0, n);
                    out.write(chunk, 0, n);
                }
            }
            if (check.getValue() != entry.getCrc()) {
                throw new IOException("the extracted library does not match its checksum");
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "midge");
        }
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() || "?".equals(home) ? null : Path.of(home, ".cache", "midge");
    }
}
