package io.isthmus.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The simulator's own logging configuration (in its jar, used by the command line) must be
 * well-formed XML: logback reports a malformed one on every start and falls back to DEBUG output.
 */
class LoggingConfigurationTest {

  @Test
  void theCommandLineLogbackConfigurationIsWellFormed() throws Exception {
    URL config = getClass().getResource("/logback.xml");
    assertThat(config).as("device-sim's logback.xml").isNotNull();
    Document document;
    try (InputStream in = config.openStream()) {
      document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
    } catch (Exception e) {
      throw new AssertionError("logback.xml is not well-formed XML: " + e.getMessage(), e);
    }
    assertThat(document.getDocumentElement().getTagName()).isEqualTo("configuration");
    assertThat(document.getElementsByTagName("logger").getLength()).isGreaterThan(0);
  }
}
