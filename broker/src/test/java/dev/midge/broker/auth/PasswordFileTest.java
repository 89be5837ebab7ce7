package dev.midge.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.midge.broker.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs Debian's mosquitto_passwd with {@code args}. */
    static void mosquittoPasswd(String... args) throws Exception {
        Path tool = Path.of("/usr/bin/mosquitto_passwd");
        assumeTrue(Files.isExecutable(tool), "mosquitto_passwd (Debian package mosquitto) is not installed");
        String[] cmd = new String[args.length + 1];
        cmd[0] = tool.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    @Test
    void filesWrittenByMosquittoPasswd_pbkdf2AndSha512() throws Exception {
        Path file = dir.resolve("passwd");
        mosquittoPasswd("-c", "-b", file.toString(), "alice", "wonder land");
        mosquittoPasswd("-b", file.toString(), "bob", "b0b:with:colons");
        mosquittoPasswd("-H", "sha512", "-b", file.toString(), "carol", "süß");
        String text = Files.readString(file);
        assertThat(text).contains("alice:$7$101$").contains("carol:$6$");
        PasswordFile pf = PasswordFile.read(file);
        assertThat(pf.size()).isEqualTo(3);
        assertThat(pf.check("alice", b("wonder land"))).isTrue();
        assertThat(pf.check("alice", b("wonder lan"))).isFalse();
        assertThat(pf.check("bob", b("b0b:with:colons"))).isTrue();
        assertThat(pf.check("carol", b("süß"))).isTrue();
        assertThat(pf.check("carol", b("suss"))).isFalse();
        assertThat(pf.check("mallory", b("wonder land"))).isFalse();
        assertThat(pf.check("alice", null)).isFalse();
        // the file is left exactly as mosquitto_passwd wrote it
        assertThat(Files.readString(file)).isEqualTo(text);
    }

    @Test
    void argon2id_hashesFromAnIndependentImplementation() throws Exception {
        // fixtures made with hash-wasm's argon2id (encoded PHC form, as libargon2 and Mosquitto 2.1 write it)
        Path file = dir.resolve("passwd");
        Files.writeString(file, """
                # argon2id users
                dave:$argon2id$v=19$m=19456,t=2,p=1$bWlkZ2Utc2FsdC0wMDAx$MhvG53OdsE9E8+pqb66vVelDkyeo/8ORXx87wulKGSk
                erin:$argon2id$v=19$m=4096,t=3,p=2$MDEyMzQ1Njc4OWFiY2RlZg$OoYN4UbeqJ/F2hhKNB03D/f7jJA6o6QNW4H7kzyPxV0

                """);
        PasswordFile pf = PasswordFile.read(file);
        assertThat(pf.check("dave", b("s3cret pass"))).isTrue();
        assertThat(pf.check("dave", b("s3cret pas"))).isFalse();
        assertThat(pf.check("erin", b("pässwörd"))).isTrue();
        assertThat(pf.check("erin", b("passwort"))).isFalse();
    }

    @Test
    void longPasswords_upTo65535Bytes() throws Exception {
        byte[] longPassword = new byte[65535];
        java.util.Arrays.fill(longPassword, (byte) 'x');
        PasswordHash h = PasswordHash.Pbkdf2.of(longPassword, 101);
        Path file = dir.resolve("passwd");
        Files.writeString(file, "long:" + h.encoded() + "\n");
        PasswordFile pf = PasswordFile.read(file);
        assertThat(pf.check("long", longPassword)).isTrue();
        longPassword[65534] = 'y';
        assertThat(pf.check("long", longPassword)).isFalse();
    }

    @Test
    void malformedLines_areErrorsWithTheirLineNumber() throws Exception {
        String good = PasswordHash.Pbkdf2.of(b("pw"), 101).encoded();
        assertError("alice:" + good + "\n:" + good + "\n", ":2: empty user name");
        assertError("alice\n", ":1: expected user:hash");
        assertError("\nalice:\n", ":2: user 'alice' has no password hash");
        assertError("alice:plaintext\n", ":1: user 'alice': not a password hash (plain-text");
        assertError("alice:$6$onlysalt\n", ":1: user 'alice': a $6$ hash is $6$SALT$HASH");
        assertError("alice:$7$abc$c2FsdA==$aGFzaA==\n", "iterations 'abc' is not a number");
        assertError("alice:$5$c2FsdA==$aGFzaA==\n", "unknown hash type $5$");
        assertError("alice:$6$!!!$aGFzaA==\n", "salt is not base64");
        assertError("a:" + good + "\na:" + good + "\n", ":2: user 'a' appears twice");
        assertError("x:$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaA\n", "argon2id memory 99999999 out of range");
    }

    private void assertError(String content, String expected) throws Exception {
        Path file = dir.resolve("bad");
        Files.writeString(file, content);
        assertThatThrownBy(() -> PasswordFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad").hasMessageContaining(expected);
    }
}
