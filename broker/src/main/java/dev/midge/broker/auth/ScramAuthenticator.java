package dev.midge.broker.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * SCRAM (RFC 5802 / RFC 7677) as an MQTT 5 enhanced authentication method, the way EMQX offers
 * it: client-first in CONNECT (or AUTH 0x19 to re-authenticate), server-first in AUTH 0x18,
 * client-final in AUTH 0x18, server-final in the CONNACK (or AUTH 0x00). No channel binding.
 */
public final class ScramAuthenticator implements EnhancedAuthenticator {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final ScramMechanism mechanism;
    private final ScramCredentials credentials;
    /** Answers for unknown users, so that they cannot be told from wrong passwords (RFC 5802 9). */
    private final byte[] decoySalt = new byte[16];

    public ScramAuthenticator(ScramMechanism mechanism, ScramCredentials credentials) {
        this.mechanism = mechanism;
        this.credentials = credentials;
        RANDOM.nextBytes(decoySalt);
    }

    @Override
    public String method() {
        return mechanism.method();
    }

    @Override
    public Exchange begin(String clientId) {
        return new ScramExchange();
    }

    private final class ScramExchange implements Exchange {
        private String user;
        private ScramCredential credential;
        private String clientFirstBare;
        private String serverFirst;
        private String nonce;
        private String gs2Header;
        private boolean done;

        @Override
        public Step step(byte[] clientData) {
            if (done) {
                return Step.failure("SCRAM exchange already finished");
            }
            String message = new String(clientData, StandardCharsets.UTF_8);
            return serverFirst == null ? clientFirst(message) : clientFinal(message);
        }

        private Step clientFirst(String message) {
            // gs2-header: "n,," (no channel binding) or "y,,"; "p=..." asks for binding we lack
            if (!(message.startsWith("n,") || message.startsWith("y,"))) {
                return fail("unsupported or missing GS2 header");
            }
            int second = message.indexOf(',', 2);
            if (second < 0) {
                return fail("malformed client-first message");
            }
            gs2Header = message.substring(0, second + 1);
            clientFirstBare = message.substring(second + 1);
            Map<String, String> attrs = attributes(clientFirstBare);
            String name = attrs.get("n");
            String clientNonce = attrs.get("r");
            if (name == null || clientNonce == null || clientNonce.isEmpty()) {
                return fail("client-first message needs n= and r=");
            }
            user = name.replace("=2C", ",").replace("=3D", "=");
            credential = credentials.find(user, mechanism);
            byte[] serverNonce = new byte[18];
            RANDOM.nextBytes(serverNonce);
            nonce = clientNonce + Base64.getEncoder().encodeToString(serverNonce);
            byte[] salt = credential != null ? credential.salt() : decoySalt;
            int iterations = credential != null ? credential.iterations() : 4096;
            serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations;
            return Step.more(serverFirst.getBytes(StandardCharsets.UTF_8));
        }

        private Step clientFinal(String message) {
            done = true;
            int proofAt = message.lastIndexOf(",p=");
            if (proofAt < 0) {
                return fail("client-final message needs p=");
            }
            String withoutProof = message.substring(0, proofAt);
            Map<String, String> attrs = attributes(message);
            String binding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
            if (!binding.equals(attrs.get("c")) || !nonce.equals(attrs.get("r"))) {
                return fail("channel binding or nonce does not match");
            }
            if (credential == null) {
                return fail("authentication failed");
            }
            byte[] proof;
            try {
                proof = Base64.getDecoder().decode(attrs.get("p"));
            } catch (IllegalArgumentException e) {
                return fail("proof is not base64");
            }
            byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                    .getBytes(StandardCharsets.UTF_8);
            byte[] clientSignature = ScramCredential.hmac(mechanism, credential.storedKey(), authMessage);
            if (proof.length != clientSignature.length) {
                return fail("authentication failed");
            }
            byte[] clientKey = ScramCredential.xor(proof, clientSignature);
            if (!MessageDigest.isEqual(ScramCredential.hash(mechanism, clientKey), credential.storedKey())) {
                return fail("authentication failed");
            }
            byte[] serverSignature = ScramCredential.hmac(mechanism, credential.serverKey(), authMessage);
            String serverFinal = "v=" + Base64.getEncoder().encodeToString(serverSignature);
            return Step.success(serverFinal.getBytes(StandardCharsets.UTF_8), user);
        }

        private Step fail(String reason) {
            done = true;
            return Step.failure(reason);
        }
    }

    /** Splits {@code a=1,b=2} into attributes; values may contain '='. */
    static Map<String, String> attributes(String message) {
        Map<String, String> out = new HashMap<>();
        for (String part : message.split(",")) {
            int eq = part.indexOf('=');
            if (eq == 1) {
                out.put(part.substring(0, 1), part.substring(2));
            }
        }
        return out;
    }
}
