package dev.midge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocksDB's native library comes from a per-user cache, extracted by the first start only: a
 * killed broker leaves no 15 MB copy of it in the temporary directory (RocksDB's own loader
 * extracts one per start and deletes it only on a normal exit).
 */
class NativeLibraryCacheIT {
    @TempDir
    Path dir;
    private ChildBroker broker;

    @AfterEach
    void stop() throws InterruptedException {
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void durableBroker_killedTwice_libraryExtractedOnceToTheCache_nothingLeftInTmp() throws Exception {
        Path cache = dir.resolve("cache");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        broker = ChildBroker.durable(dir, ChildBroker.freePort(), "")
                .env("XDG_CACHE_HOME", cache.toString())
                .env("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);

        broker.start();
        broker.kill();
        List<Path> libraries = files(cache, ".so");
        assertThat(libraries).hasSize(1);
        assertThat(libraries.get(0)).startsWith(cache.resolve("midge"));
        FileTime extracted = Files.getLastModifiedTime(libraries.get(0));

        broker.start();
        broker.kill();
        assertThat(files(cache, ".so")).containsExactlyElementsOf(libraries);
        assertThat(Files.getLastModifiedTime(libraries.get(0))).isEqualTo(extracted);
        assertThat(files(cache, ".tmp")).isEmpty();
        assertThat(files(tmp, ".so")).as("library copies left in java.io.tmpdir").isEmpty();
        assertThat(Files.readString(dir.resolve("broker-1.log"))).contains("extracted once");
        assertThat(Files.readString(dir.resolve("broker-2.log"))).doesNotContain("extracted");
    }

    private static List<Path> files(Path root, String suffix) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }
}
