package dev.midge.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code -o FILE} for the client tools: the file's options stand where {@code -o FILE} stood. One
 * or more options per line, split on white space; lines starting with '#' are comments. (The
 * broker's -o does not exist, so only pub, sub and rr take it.)
 */
final class OptionsFile {
    private static final List<String> TOOLS = List.of("pub", "sub", "rr");

    private OptionsFile() {
    }

    static String[] expand(String[] args) throws IOException {
        if (args.length == 0 || !TOOLS.contains(args[0])) {
            return args;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-o") && i + 1 < args.length) {
                Path file = Path.of(args[++i]);
                List<String> lines;
                try {
                    lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new IOException("Unable to read options file " + file + ": " + e.getMessage(), e);
                }
                for (String line : lines) {
                    String l = line.strip();
                    if (!l.isEmpty() && !l.startsWith("#")) {
                        out.addAll(List.of(l.split("\\s+")));
                    }
                }
            } else {
                out.add(args[i]);
            }
        }
        return out.toArray(String[]::new);
    }
}
