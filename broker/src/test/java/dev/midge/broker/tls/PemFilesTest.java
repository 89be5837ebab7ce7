package dev.midge.broker.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys as the openssl command line writes them, which is what Mosquitto users have on disk. */
class PemFilesTest {
    @TempDir
    Path dir;

    private Path openssl(String name, String... args) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Path out = dir.resolve(name);
        // openssl SUBCOMMAND -out FILE OPTIONS... (genrsa wants the key size last)
        String[] cmd = new String[args.length + 3];
        cmd[0] = "/usr/bin/openssl";
        cmd[1] = args[0];
        cmd[2] = "-out";
        cmd[3] = out.toString();
        System.arraycopy(args, 1, cmd, 4, args.length - 1);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        return out;
    }

    @Test
    void readsPkcs1RsaSec1EcAndPkcs8Keys() throws Exception {
        Path rsa = openssl("rsa.key", "genrsa", "-traditional", "2048");
        assertThat(Files.readString(rsa)).contains("BEGIN RSA PRIVATE KEY");
        assertThat(PemFiles.privateKey(rsa).getAlgorithm()).isEqualTo("RSA");
        Path ec = openssl("ec.key", "ecparam", "-genkey", "-name", "prime256v1");
        assertThat(Files.readString(ec)).contains("BEGIN EC PARAMETERS").contains("BEGIN EC PRIVATE KEY");
        assertThat(PemFiles.privateKey(ec).getAlgorithm()).isEqualTo("EC");
        Path pkcs8 = openssl("p8.key", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");
        assertThat(Files.readString(pkcs8)).contains("BEGIN PRIVATE KEY");
        assertThat(PemFiles.privateKey(pkcs8).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void notAKey_orNotACertificate_isAReadableError() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "hello\n");
        assertThatThrownBy(() -> PemFiles.privateKey(junk)).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("junk.pem");
        assertThatThrownBy(() -> PemFiles.certificates(junk)).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("junk.pem");
    }
}
