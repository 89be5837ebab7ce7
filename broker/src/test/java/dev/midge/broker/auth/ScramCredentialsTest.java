package dev.midge.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.midge.broker.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScramCredentialsTest {
    @TempDir
    Path dir;

    @Test
    void read_lineWrittenByLine_roundTrips() throws Exception {
        ScramCredential c = ScramCredential.derive(ScramMechanism.SCRAM_SHA_512, "pw", new byte[] {1, 2, 3}, 4096);
        Path f = dir.resolve("creds");
        Files.writeString(f, "# users\n\n" + ScramCredentials.line("bob", c) + "\n");
        ScramCredential read = ScramCredentials.read(f).find("bob", ScramMechanism.SCRAM_SHA_512);
        assertThat(read).usingRecursiveComparison().isEqualTo(c);
        assertThat(ScramCredentials.read(f).find("bob", ScramMechanism.SCRAM_SHA_256)).isNull();
    }

    @Test
    void derive_rfc7677TestVector() {
        // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, i=4096
        byte[] salt = java.util.Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        ScramCredential c = ScramCredential.derive(ScramMechanism.SCRAM_SHA_256, "pencil", salt, 4096);
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        byte[] serverSignature = ScramCredential.hmac(ScramMechanism.SCRAM_SHA_256, c.serverKey(),
                authMessage.getBytes());
        assertThat(java.util.Base64.getEncoder().encodeToString(serverSignature))
                .isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    @Test
    void read_malformedLine_errorNamesFileAndLine() throws Exception {
        Path f = dir.resolve("bad");
        Files.writeString(f, "# ok\nbob:SCRAM-SHA-256:4096:AAAA\n");
        assertThatThrownBy(() -> ScramCredentials.read(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad:2: expected user:mechanism");
        Files.writeString(f, "bob:SCRAM-MD5:4096:AA==:AA==:AA==\n");
        assertThatThrownBy(() -> ScramCredentials.read(f)).hasMessageContaining(":1: unknown SCRAM mechanism");
        Files.writeString(f, "bob:SCRAM-SHA-256:100:AA==:AA==:AA==\n");
        assertThatThrownBy(() -> ScramCredentials.read(f)).hasMessageContaining("below 4096");
    }
}
