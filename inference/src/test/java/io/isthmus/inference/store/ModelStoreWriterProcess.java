package io.isthmus.inference.store;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child process of {@link ModelStoreKillIT}: stores models of 64 KiB to 2 MiB one after another
 * and prints each digest once {@code put} has returned. It runs until killed.
 */
public final class ModelStoreWriterProcess {
  private ModelStoreWriterProcess() {}

  public static void main(String[] args) throws Exception {
    ModelStore store = ModelStore.open(Path.of(args[0]));
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
    while (true) {
      byte[] model = new byte[random.nextInt(64 * 1024, 2 * 1024 * 1024)];
      random.nextBytes(model);
      System.out.println(store.put(new ByteArrayInputStream(model)));
      System.out.flush();
    }
  }
}
