package dev.midge.broker.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.midge.broker.acl.AclFile;
import dev.midge.broker.auth.PasswordFile;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.config.ConfigException;
import dev.midge.broker.config.ConfigParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The config, password and ACL file parsers on arbitrary text: a parsed result or a
 * ConfigException naming file and line; no other exception.
 */
class FileParsersFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("midge-fuzz", ".conf");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Parser {
        void parse(Path file) throws ConfigException;
    }

    private static void check(byte[] text, Parser parser) throws IOException {
        Files.write(FILE, text);
        try {
            parser.parse(FILE);
        } catch (ConfigException expected) {
            if (!expected.getMessage().startsWith(FILE.toString())) {
                throw new AssertionError("error does not name the file: " + expected.getMessage());
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    void configFile(byte[] text) throws IOException {
        check(text, f -> ConfigParser.parse(f, BrokerConfig.builder()).build());
    }

    @FuzzTest(maxDuration = "5m")
    void passwordFile(byte[] text) throws IOException {
        check(text, PasswordFile::read);
    }

    @FuzzTest(maxDuration = "5m")
    void aclFile(byte[] text) throws IOException {
        check(text, f -> AclFile.read(f).rulesFor("client", "user"));
    }
}
