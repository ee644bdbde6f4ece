package io.isthmus.agent.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds a TLS socket factory from PEM files with the JDK alone: CA certificates for the trust
 * store, a certificate chain and an unencrypted PKCS#8 key (RSA or EC) for mutual TLS.
 */
final class PemTls {

  private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PKCS8_END = "-----END PRIVATE KEY-----";

  private PemTls() {}

  /**
   * Reads the TLS files named in {@code options} (blocking file I/O: call at start-up).
   *
   * @throws MqttConnectionException naming the file that cannot be read or parsed
   */
  static SSLSocketFactory socketFactory(MqttOptions options) {
    try {
      TrustManager[] trust = null; // null: the JDK's default trust store
      if (options.caFile().isPresent()) {
        KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
        trustStore.load(null, null);
        List<Certificate> cas = readCertificates(options.caFile().get(), "caFile");
        for (int i = 0; i < cas.size(); i++) {
          trustStore.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore);
        trust = tmf.getTrustManagers();
      }
      KeyManager[] keys = null;
      if (options.clientCertFile().isPresent()) {
        List<Certificate> chain =
            readCertificates(options.clientCertFile().get(), "clientCertFile");
        PrivateKey key = readPkcs8Key(options.clientKeyFile().orElseThrow());
        char[] storePassword = new char[0];
        KeyStore keyStore = KeyStore.getInstance(KeyStore.getDefaultType());
        keyStore.load(null, null);
        keyStore.setKeyEntry("client", key, storePassword, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, storePassword);
        keys = kmf.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new MqttConnectionException(
          "Cannot set up TLS for " + options.serverUri() + ": " + e.getMessage(), e);
    }
  }

  static List<Certificate> readCertificates(Path file, String option) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new MqttConnectionException(option + " " + file + " holds no PEM certificate");
      }
      return new ArrayList<>(certs);
    } catch (IOException | GeneralSecurityException e) {
      throw new MqttConnectionException(
          option + " " + file + " is not a readable PEM certificate file: " + e.getMessage(), e);
    }
  }

  static PrivateKey readPkcs8Key(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new MqttConnectionException("clientKeyFile " + file + " cannot be read", e);
    }
    int begin = pem.indexOf(PKCS8_BEGIN);
    int end = pem.indexOf(PKCS8_END);
    if (begin < 0 || end < begin) {
      throw new MqttConnectionException(
          "clientKeyFile "
              + file
              + " is not an unencrypted PKCS#8 PEM key (expected '"
              + PKCS8_BEGIN
              + "'; convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new MqttConnectionException("clientKeyFile " + file + " holds bad base64", e);
    }
    List<String> tried = List.of("RSA", "EC");
    for (String algorithm : tried) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException e) {
        // not this algorithm: try the next one
      } catch (GeneralSecurityException e) {
        throw new MqttConnectionException("clientKeyFile " + file + ": " + e.getMessage(), e);
      }
    }
    throw new MqttConnectionException(
        "clientKeyFile " + file + " is not an RSA or EC PKCS#8 key (tried " + tried + ")");
  }
}
