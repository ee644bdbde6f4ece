package io.isthmus.console.registry;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed package URLs for gateways: {@code BASE/artifacts/{token}/{manifestSha256}}, where the
 * token is an HMAC of the package's manifest sha256 with the console's URL secret. A gateway's
 * agent fetches {@code URL/PATH} with no header to add, so the credential travels in the path; it
 * grants read access to that one package and nothing else.
 */
public final class ArtifactUrls {
  /** The path prefix the console serves packages under. */
  public static final String PREFIX = "/artifacts/";

  private final String baseUrl;
  private final SecretKeySpec key;

  /**
   * @param baseUrl the console's URL as gateways reach it, e.g. {@code http://console:8090}
   */
  public ArtifactUrls(String baseUrl, ConsoleKeys keys) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.key = new SecretKeySpec(keys.urlSecret(), "HmacSHA256");
  }

  /** The folder URL of the package whose {@code manifest.pb} has {@code manifestSha256}. */
  public String packageUrl(String manifestSha256) {
    return baseUrl + PREFIX + token(manifestSha256) + "/" + manifestSha256;
  }

  /** Whether {@code token} grants access to the package {@code manifestSha256}. */
  public boolean grants(String token, String manifestSha256) {
    return MessageDigest.isEqual(
        token.getBytes(StandardCharsets.US_ASCII),
        token(manifestSha256).getBytes(StandardCharsets.US_ASCII));
  }

  private String token(String manifestSha256) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] full = mac.doFinal(manifestSha256.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(full, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
