package dev.midge.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** {@code midge broker} in its own JVM, as ./midge runs it, for tests that kill it. */
final class ChildBroker {
    private final Path dir;
    private final String[] args;
    private final Map<String, String> environment = new HashMap<>();
    private Process process;
    private Path log;
    private int starts;

    ChildBroker(Path dir, String... args) {
        this.dir = dir;
        this.args = args;
    }

    /**
     * A broker with persistence on (its store in {@code dir/data}) listening on {@code port}, its
     * configuration in {@code dir/midge.conf} with {@code extraLines} at the end.
     */
    static ChildBroker durable(Path dir, int port, String extraLines) throws IOException {
        Path conf = dir.resolve("midge.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence true\n"
                + "persistence_location " + dir.resolve("data") + "\n" + extraLines);
        return new ChildBroker(dir, "broker", "-c", conf.toString());
    }

    /** A port nothing listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Sets an environment variable for the broker's next starts. */
    ChildBroker env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Starts the broker and waits for its startup line. */
    void start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] command = new String[args.length + 5];
        command[0] = java;
        command[1] = "-Xmx512m";
        command[2] = "-cp";
        command[3] = System.getProperty("java.class.path");
        command[4] = Main.class.getName();
        System.arraycopy(args, 0, command, 5, args.length);
        log = dir.resolve("broker-" + (++starts) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        process = builder.start();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> output().contains("running on") || !process.isAlive());
        if (!process.isAlive()) {
            throw new IllegalStateException("broker exited: " + output());
        }
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    /** Prints the warnings and errors of every run, for a failing test's report. */
    void dumpWarnings(java.io.PrintStream out) throws IOException {
        for (int i = 1; i <= starts; i++) {
            for (String line : Files.readAllLines(dir.resolve("broker-" + i + ".log"))) {
                if (line.contains("WARN") || line.contains("ERROR") || line.contains("Recovered")
                        || System.getenv("MIDGE_TRACE") != null && line.contains(System.getenv("MIDGE_TRACE"))) {
                    out.println("broker-" + i + ": " + line);
                }
            }
        }
    }

    /** SIGKILL: no shutdown hook, no flush, like a power cut for the process. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
