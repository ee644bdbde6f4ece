package io.isthmus.packaging.deb;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/** A built {@code .deb} read back: its control files and its data entries (mode and text). */
final class DebArchive {
  /** One file of the data archive. */
  record Entry(String path, int mode, long size, byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  final Map<String, Entry> control = new LinkedHashMap<>();
  final Map<String, Entry> data = new LinkedHashMap<>();
  final Map<String, Integer> directories = new LinkedHashMap<>();

  /** The newest {@code isthmus-agent_*_all.deb} in {@code dir}. */
  static Path newest(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().matches("isthmus-agent_.+_all\\.deb"))
          .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()))
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no isthmus-agent_VERSION_all.deb in " + dir + ": run the package phase"));
    }
  }

  static DebArchive read(Path deb) throws IOException {
    DebArchive archive = new DebArchive();
    try (ArArchiveInputStream ar =
        new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(deb)))) {
      ArArchiveEntry member;
      while ((member = ar.getNextEntry()) != null) {
        String name = member.getName();
        if (name.startsWith("control.tar")) {
          readTar(ar, archive.control, null, true);
        } else if (name.startsWith("data.tar")) {
          // the jars' bytes are not kept, only text files below 1 MB
          readTar(ar, archive.data, archive.directories, false);
        }
      }
    }
    return archive;
  }

  private static void readTar(
      InputStream member, Map<String, Entry> into, Map<String, Integer> dirs, boolean all)
      throws IOException {
    InputStream in;
    try {
      in =
          new CompressorStreamFactory()
              .createCompressorInputStream(new BufferedInputStream(member));
    } catch (CompressorException e) {
      throw new IOException("member is not a compressed tar: " + e.getMessage(), e);
    }
    TarArchiveInputStream tar = new TarArchiveInputStream(in);
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      String path = entry.getName().replaceFirst("^\\./", "/");
      if (entry.isDirectory()) {
        if (dirs != null) {
          dirs.put(path, entry.getMode() & 07777);
        }
        continue;
      }
      boolean keep = all || (entry.getSize() < 1 << 20 && !path.endsWith(".jar"));
      byte[] content = keep ? tar.readAllBytes() : new byte[0];
      into.put(path, new Entry(path, entry.getMode() & 07777, entry.getSize(), content));
    }
  }

  /** The {@code Key: value} fields of the control file (continuation lines dropped). */
  Map<String, String> fields() {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : control.get("/control").text().split("\n")) {
      int colon = line.indexOf(':');
      if (!line.startsWith(" ") && colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }
}
