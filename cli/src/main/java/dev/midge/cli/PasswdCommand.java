package dev.midge.cli;

import dev.midge.broker.auth.PasswordHash;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code midge passwd}: mosquitto_passwd's interface. Adds, updates (-b, or prompted) and deletes
 * (-D) users, creates a file (-c) and hashes a plain-text file in place (-U). Every other line of
 * the file (comments, other users, their hashes of any kind) is kept as it was; the file is
 * replaced atomically.
 */
@Command(name = "passwd", description = "Manage password files (mosquitto_passwd's options).")
public final class PasswdCommand implements Callable<Integer> {
    @Option(names = "-c", description = "create a new file (overwrites an existing one)")
    boolean create;

    @Option(names = "-D", description = "delete the user")
    boolean delete;

    @Option(names = "-b", description = "batch mode: the password is the last argument")
    boolean batch;

    @Option(names = "-U", description = "hash every plain-text password of the file")
    boolean update;

    @Option(names = "-H", paramLabel = "HASH", description = "sha512, sha512-pbkdf2 (default) or argon2id")
    String hash = "sha512-pbkdf2";

    @Option(names = "-I", paramLabel = "ITERATIONS", description = "iterations (PBKDF2 default 101, argon2id 2)")
    Integer iterations;

    @Option(names = "--help", usageHelp = true)
    boolean help;

    @Parameters(paramLabel = "ARGS", description = "passwordfile [username [password]]")
    List<String> args = new ArrayList<>();

    PrintStream err = System.err;

    @Override
    public Integer call() {
        try {
            return run();
        } catch (PasswdError e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("Error: " + e.getMessage());
            return 1;
        }
    }

    private static final class PasswdError extends Exception {
        PasswdError(String message) {
            super(message);
        }
    }

    private int run() throws PasswdError, IOException {
        if (!List.of("sha512", "sha512-pbkdf2", "argon2id").contains(hash)) {
            throw new PasswdError("Error: Unknown hash type '" + hash + "'.");
        }
        if (iterations != null && iterations < 1) {
            throw new PasswdError("Error: Invalid iterations.");
        }
        if ((create ? 1 : 0) + (delete ? 1 : 0) + (update ? 1 : 0) > 1) {
            throw new PasswdError("Error: -c, -D and -U cannot be used together.");
        }
        if (update) {
            requireArgs(1, 1);
            return updateFile(Path.of(args.get(0)));
        }
        int expected = batch && !delete ? 3 : 2;
        requireArgs(expected, expected);
        Path file = Path.of(args.get(0));
        String user = args.get(1);
        if (user.contains(":") || user.isEmpty()) {
            throw new PasswdError("Error: Username must not be empty or contain ':'.");
        }
        List<String> lines = create ? new ArrayList<>() : read(file);
        if (delete) {
            if (!lines.removeIf(l -> l.startsWith(user + ":"))) {
                throw new PasswdError("Warning: User " + user + " not found in password file.");
            }
            write(file, lines);
            return 0;
        }
        String password = batch ? args.get(2) : prompt();
        String entry = user + ":" + PasswordHash.create(hash, password.getBytes(StandardCharsets.UTF_8), iterations)
                .encoded();
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(user + ":")) {
                lines.set(i, entry);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(entry);
        }
        write(file, lines);
        return 0;
    }

    private void requireArgs(int min, int max) throws PasswdError {
        if (args.size() < min || args.size() > max) {
            throw new PasswdError("Usage: midge passwd [-H sha512 | -H sha512-pbkdf2 | -H argon2id] [-c | -D] "
                    + "passwordfile username\n       midge passwd [-H ...] [-c] -b passwordfile username password\n"
                    + "       midge passwd -U passwordfile");
        }
    }

    /** -U: lines "user:password" (no hash yet) become "user:hash"; hashed lines stay. */
    private int updateFile(Path file) throws IOException, PasswdError {
        List<String> lines = read(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            int colon = l.indexOf(':');
            if (colon <= 0 || l.startsWith("#")) {
                continue;
            }
            String secret = l.substring(colon + 1);
            if (!secret.startsWith("$")) {
                lines.set(i, l.substring(0, colon) + ":"
                        + PasswordHash.create(hash, secret.getBytes(StandardCharsets.UTF_8), iterations).encoded());
            }
        }
        write(file, lines);
        return 0;
    }

    private String prompt() throws PasswdError, IOException {
        Console console = System.console();
        if (console != null) {
            char[] a = console.readPassword("Password: ");
            char[] b = console.readPassword("Reenter password: ");
            if (a == null || b == null || !new String(a).equals(new String(b))) {
                throw new PasswdError("Error: Passwords do not match.");
            }
            return new String(a);
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String a = r.readLine();
        String b = r.readLine();
        if (a == null || !a.equals(b)) {
            throw new PasswdError("Error: Passwords do not match.");
        }
        return a;
    }

    private static List<String> read(Path file) throws PasswdError {
        try {
            return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PasswdError("Error: Unable to open file " + file + " for reading. " + e.getMessage());
        }
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".midge-passwd", ".tmp");
        try {
            Files.writeString(tmp, lines.isEmpty() ? "" : String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
