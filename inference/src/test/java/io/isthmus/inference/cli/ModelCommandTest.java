package io.isthmus.inference.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path pkg;

  @BeforeEach
  void keygenPackSign() throws Exception {
    Files.write(dir.resolve("model.onnx"), new byte[2048]);
    assertThat(run("keygen", "--out", dir.resolve("keys").toString())).isZero();
    pkg = dir.resolve("pkg");
    assertThat(
            run(
                "pack",
                dir.resolve("model.onnx").toString(),
                "--name",
                "vib",
                "--version",
                "3",
                "--platform",
                "linux-x86_64",
                "--out",
                pkg.toString()))
        .isZero();
    assertThat(run("sign", pkg.toString(), "--key", dir.resolve("keys/private.pem").toString()))
        .isZero();
  }

  @Test
  void aSignedPackageVerifiesWithItsPublicKey() {
    int exit = verify("--platform", "linux-x86_64");

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("ok: vib 3 signed by key ", "1 file(s) verified");
  }

  @Test
  void aTruncatedFileExitsNonZeroWithTheReason() throws Exception {
    try (RandomAccessFile file = new RandomAccessFile(pkg.resolve("model.onnx").toFile(), "rw")) {
      file.setLength(100);
    }
    assertThat(verify("--platform", "linux-x86_64")).isEqualTo(ModelCommand.REFUSED);
    assertThat(err.toString()).startsWith("refused: size_mismatch: model.onnx has 100 bytes");
  }

  @Test
  void anotherPlatformExitsNonZeroWithTheReason() {
    assertThat(verify("--platform", "linux-aarch64")).isEqualTo(ModelCommand.REFUSED);
    assertThat(err.toString()).startsWith("refused: platform_mismatch: ");
  }

  @Test
  void aKeyNotTrustedExitsNonZeroNamingIt() {
    assertThat(run("keygen", "--out", dir.resolve("other").toString())).isZero();
    int exit =
        run(
            "verify",
            pkg.toString(),
            "--trusted",
            dir.resolve("other/public.pem").toString(),
            "--platform",
            "linux-x86_64");

    assertThat(exit).isEqualTo(ModelCommand.REFUSED);
    assertThat(err.toString()).startsWith("refused: unknown_key: The manifest is signed by key ");
  }

  @Test
  void packingIntoAFullFolderFails() {
    int exit =
        run(
            "pack",
            dir.resolve("model.onnx").toString(),
            "--name",
            "x",
            "--version",
            "1",
            "--out",
            dir.resolve("keys").toString());

    assertThat(exit).isEqualTo(ModelCommand.REFUSED);
    assertThat(err.toString()).contains("not an empty folder");
  }

  private int verify(String... extra) {
    String[] args = new String[4 + extra.length];
    args[0] = "verify";
    args[1] = pkg.toString();
    args[2] = "--trusted";
    args[3] = dir.resolve("keys/public.pem").toString();
    System.arraycopy(extra, 0, args, 4, extra.length);
    return run(args);
  }

  private int run(String... args) {
    return new CommandLine(new ModelCommand())
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }
}
