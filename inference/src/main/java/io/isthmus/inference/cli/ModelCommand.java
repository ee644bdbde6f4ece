package io.isthmus.inference.cli;

import io.isthmus.protocol.manifest.ManifestException;
import io.isthmus.protocol.manifest.ModelPackage;
import io.isthmus.protocol.manifest.PackageBuilder;
import io.isthmus.protocol.manifest.Platforms;
import io.isthmus.protocol.manifest.SigningKey;
import io.isthmus.protocol.manifest.TrustedKeys;
import io.isthmus.protocol.v1.ModelFormat;
import io.isthmus.protocol.v1.ModelManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code isthmus model keygen|pack|sign|verify}: makes Ed25519 signing keys, packs model files with
 * a manifest, signs the manifest and verifies a package the way a gateway does before loading it.
 * Every command exits 0 on success and 1 with the reason (e.g. {@code refused: hash_mismatch: ...})
 * on stderr otherwise; usage errors exit 2.
 */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Signed model packages: keygen, pack, sign, verify.",
    subcommands = {
      ModelCommand.Keygen.class,
      ModelCommand.Pack.class,
      ModelCommand.Sign.class,
      ModelCommand.Verify.class
    })
public final class ModelCommand implements Callable<Integer> {
  static final int REFUSED = 1;

  @Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ModelCommand()).execute(args));
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** A subcommand whose failures become one line on stderr and exit code {@value #REFUSED}. */
  abstract static class Step implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    abstract String run() throws IOException, ManifestException;

    @Override
    public Integer call() {
      try {
        out().println(run());
        out().flush();
        return 0;
      } catch (ManifestException e) {
        return fail("refused: " + e.getMessage());
      } catch (IOException | IllegalArgumentException | IllegalStateException e) {
        return fail("failed: " + e);
      }
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    private int fail(String message) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(message);
      err.flush();
      return REFUSED;
    }
  }

  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      description =
          "Writes a new Ed25519 key pair: DIR/private.pem (mode 0600) and DIR/public.pem.")
  static final class Keygen extends Step {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Key folder.")
    Path out;

    @Override
    String run() throws IOException {
      SigningKey key = SigningKey.generate();
      key.writeTo(out);
      return "key "
          + key.id()
          + ": private key "
          + out.resolve(SigningKey.PRIVATE_FILE)
          + " (keep it secret), public key "
          + out.resolve(SigningKey.PUBLIC_FILE)
          + " (give it to gateways)";
    }
  }

  @Command(
      name = "pack",
      mixinStandardHelpOptions = true,
      description =
          "Copies model files into a new package folder and writes its unsigned manifest (sha256"
              + " and size of each file).")
  static final class Pack extends Step {
    @Parameters(
        arity = "1..*",
        paramLabel = "DIR|FILE",
        description = "One folder (packed with its relative paths) or files (packed by name).")
    List<Path> inputs;

    @Option(names = "--name", required = true, description = "Model name.")
    String name;

    @Option(names = "--version", required = true, description = "Model version.")
    String version;

    @Option(
        names = "--platform",
        paramLabel = "P",
        description =
            "Target platform, repeatable (linux-x86_64, linux-aarch64, ...); default any.")
    List<String> platforms = new ArrayList<>();

    @Option(
        names = "--engine",
        paramLabel = "E",
        description = "Engine that runs it, repeatable; default from the format.")
    List<String> engines = new ArrayList<>();

    @Option(
        names = "--format",
        description = "ONNX or TFLITE; default from the first .onnx/.tflite file.")
    ModelFormat format;

    @Option(
        names = "--plan",
        arity = "3",
        paramLabel = "PATH",
        description = "Partition plan, head and tail model paths inside the package.")
    List<String> plan;

    @Option(names = "--out", required = true, paramLabel = "PKG", description = "New folder.")
    Path out;

    @Override
    String run() throws IOException {
      PackageBuilder builder = new PackageBuilder(name, version);
      if (inputs.size() == 1 && Files.isDirectory(inputs.get(0))) {
        builder.addTree(inputs.get(0));
      } else {
        for (Path file : inputs) {
          if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a file; pass one folder or files");
          }
          builder.addFile(file, file.getFileName().toString());
        }
      }
      platforms.forEach(builder::platform);
      engines.forEach(builder::engine);
      if (format != null) {
        builder.format(format);
      }
      if (plan != null) {
        builder.partitionPlan(plan.get(0), plan.get(1), plan.get(2));
      }
      ModelPackage pkg = builder.pack(out);
      return "packed "
          + name
          + " "
          + version
          + " into "
          + pkg.root()
          + " (unsigned; next: isthmus model sign "
          + pkg.root()
          + " --key private.pem)";
    }
  }

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description = "Signs a package's manifest, replacing any earlier signature.")
  static final class Sign extends Step {
    @Parameters(paramLabel = "PKG", description = "Package folder.")
    Path pkg;

    @Option(names = "--key", required = true, description = "PKCS#8 PEM Ed25519 private key.")
    Path key;

    @Override
    String run() throws IOException, ManifestException {
      SigningKey signingKey = SigningKey.read(key);
      ModelPackage.open(pkg).sign(signingKey);
      return "signed " + pkg + " with key " + signingKey.id();
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Checks a package as a gateway does: signature by a trusted key, platform, each file's"
              + " size and sha256.")
  static final class Verify extends Step {
    @Parameters(paramLabel = "PKG", description = "Package folder.")
    Path pkg;

    @Option(
        names = "--trusted",
        required = true,
        paramLabel = "DIR|PEM",
        description = "A public.pem, or a folder of trusted *.pem public keys.")
    Path trusted;

    @Option(
        names = "--platform",
        paramLabel = "P",
        description = "Platform to check for; default this machine's.")
    String platform = Platforms.current();

    @Override
    String run() throws IOException, ManifestException {
      ModelPackage opened = ModelPackage.open(pkg);
      ModelManifest manifest = opened.verify(TrustedKeys.load(trusted), platform);
      return "ok: "
          + manifest.getName()
          + " "
          + manifest.getVersion()
          + " signed by key "
          + opened.envelope().getKeyId()
          + ", "
          + manifest.getFilesCount()
          + " file(s) verified for "
          + platform;
    }
  }
}
