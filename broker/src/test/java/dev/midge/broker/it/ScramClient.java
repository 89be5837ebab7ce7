package dev.midge.broker.it;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM (RFC 5802), written from the RFC for the tests, independently of the
 * broker's implementation.
 */
final class ScramClient {
    private final String hmac;
    private final String digest;
    private final int bits;
    private final String user;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    ScramClient(String method, String user, String password) {
        boolean sha512 = method.endsWith("512");
        this.hmac = sha512 ? "HmacSHA512" : "HmacSHA256";
        this.digest = sha512 ? "SHA-512" : "SHA-256";
        this.bits = sha512 ? 512 : 256;
        this.user = user;
        this.password = password;
        byte[] n = new byte[16];
        new SecureRandom().nextBytes(n);
        this.clientNonce = Base64.getEncoder().encodeToString(n);
    }

    byte[] clientFirst() {
        clientFirstBare = "n=" + user + ",r=" + clientNonce;
        return ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    byte[] clientFinal(byte[] serverFirstBytes) throws Exception {
        String serverFirst = new String(serverFirstBytes, StandardCharsets.UTF_8);
        String nonce = null;
        byte[] salt = null;
        int iterations = 0;
        for (String part : serverFirst.split(",")) {
            switch (part.charAt(0)) {
                case 'r' -> nonce = part.substring(2);
                case 's' -> salt = Base64.getDecoder().decode(part.substring(2));
                case 'i' -> iterations = Integer.parseInt(part.substring(2));
                default -> { }
            }
        }
        if (nonce == null || !nonce.startsWith(clientNonce)) {
            throw new IllegalStateException("server nonce does not extend ours: " + serverFirst);
        }
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2With" + hmac)
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, bits)).getEncoded();
        byte[] clientKey = mac(salted, "Client Key");
        byte[] storedKey = MessageDigest.getInstance(digest).digest(clientKey);
        String withoutProof = "c=biws,r=" + nonce;
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] clientSignature = mac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
        }
        expectedServerSignature = mac(mac(salted, "Server Key"), authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the server-final message proves the server knew the credential. */
    boolean serverVerified(byte[] serverFinal) {
        String s = new String(serverFinal, StandardCharsets.UTF_8);
        return s.startsWith("v=") && MessageDigest.isEqual(Base64.getDecoder().decode(s.substring(2)),
                expectedServerSignature);
    }

    private byte[] mac(byte[] key, String data) throws Exception {
        return mac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] mac(byte[] key, byte[] data) throws Exception {
        Mac m = Mac.getInstance(hmac);
        m.init(new SecretKeySpec(key, hmac));
        return m.doFinal(data);
    }
}
