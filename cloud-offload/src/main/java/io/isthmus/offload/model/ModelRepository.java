package io.isthmus.offload.model;

import io.isthmus.inference.Engines;
import io.isthmus.inference.InferenceEngine;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.store.ModelStore;
import io.isthmus.offload.core.OffloadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served model versions and their cache tiers: loaded sessions in memory, kept under a memory
 * budget by unloading the least recently used idle version, in front of the disk cache and the
 * model's source ({@link ModelFetcher}). A version unloaded for room is loaded again on its next
 * request. Versions are ordered numerically when they are numbers; the highest is the default.
 *
 * <p>Thread-safe. {@link #acquire} and {@link #loadAll} block while a model loads: call them from
 * worker threads.
 */
public final class ModelRepository implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRepository.class);

  /** Told about loads and unloads, for metrics. */
  public interface Listener {
    /** A version was loaded and warmed from {@code tier} ("disk", "remote" or "path"). */
    void loaded(ModelSource source, String tier, long nanos);

    /** A version was unloaded to keep within the memory budget. */
    void unloaded(ModelSource source);
  }

  /** A model version in use; close it when the request is done so it may be unloaded. */
  public final class Lease implements AutoCloseable {
    private final Entry entry;
    private final ServedModel model;
    private boolean closed;

    private Lease(Entry entry, ServedModel model) {
      this.entry = entry;
      this.model = model;
    }

    public ServedModel model() {
      return model;
    }

    @Override
    public void close() {
      synchronized (ModelRepository.this) {
        if (!closed) {
          closed = true;
          entry.refs--;
        }
      }
    }
  }

  private static final class Entry {
    final ModelSource source;
    ServedModel model; // guarded by the repository
    int refs; // guarded by the repository
    long lastUsed; // guarded by the repository

    Entry(ModelSource source) {
      this.source = source;
    }
  }

  private final Map<String, TreeMap<String, Entry>> models = new LinkedHashMap<>();
  private final ModelFetcher fetcher;
  private final ModelOptions modelOptions;
  private final ServedModel.BatcherFactory batchers;
  private final long memoryBudgetBytes;
  private final Listener listener;
  private long clock;

  /**
   * @throws IOException if the disk cache folder cannot be created
   */
  public ModelRepository(
      List<ModelSource> sources,
      Path cacheDir,
      ModelOptions modelOptions,
      ServedModel.BatcherFactory batchers,
      long memoryBudgetBytes,
      Listener listener)
      throws IOException {
    for (ModelSource source : sources) {
      models
          .computeIfAbsent(source.name(), n -> new TreeMap<>(ModelRepository::compareVersions))
          .put(source.version(), new Entry(source));
    }
    this.fetcher = new ModelFetcher(ModelStore.open(cacheDir));
    this.modelOptions = modelOptions;
    this.batchers = batchers;
    this.memoryBudgetBytes = memoryBudgetBytes;
    this.listener = listener;
  }

  /** The model names, in configuration order. */
  public List<String> names() {
    return List.copyOf(models.keySet());
  }

  /**
   * The versions of {@code name}, lowest first.
   *
   * @throws OffloadException 404 for an unknown model
   */
  public List<String> versions(String name) throws OffloadException {
    return List.copyOf(versionsOf(name).keySet());
  }

  /**
   * The source of {@code name} at {@code version} (the highest when empty).
   *
   * @throws OffloadException 404 naming the known models or versions
   */
  public ModelSource source(String name, Optional<String> version) throws OffloadException {
    return entry(name, version).source;
  }

  /** How many versions are loaded in memory now. */
  public synchronized int loadedCount() {
    int count = 0;
    for (TreeMap<String, Entry> versions : models.values()) {
      for (Entry entry : versions.values()) {
        count += entry.model != null ? 1 : 0;
      }
    }
    return count;
  }

  /**
   * Loads and warms every configured version, in order.
   *
   * @throws OffloadException 500 naming the version that failed and why
   */
  public void loadAll() throws OffloadException {
    for (TreeMap<String, Entry> versions : models.values()) {
      for (Entry entry : versions.values()) {
        try (Lease lease = acquire(entry)) {
          LOG.debug("model={} version={} ready", entry.source.name(), entry.source.version());
        }
      }
    }
  }

  /**
   * The loaded version of {@code name} ({@code version}, or the highest), loading it first if it is
   * not in memory.
   *
   * @throws OffloadException 404 for an unknown model or version, 500 if loading fails
   */
  public Lease acquire(String name, Optional<String> version) throws OffloadException {
    return acquire(entry(name, version));
  }

  private Lease acquire(Entry entry) throws OffloadException {
    synchronized (entry) { // one load per version at a time; other versions load in parallel
      synchronized (this) {
        if (entry.model != null) {
          return lease(entry);
        }
      }
      ServedModel loaded = load(entry.source);
      List<ServedModel> unloaded;
      Lease lease;
      synchronized (this) {
        entry.model = loaded;
        lease = lease(entry);
        unloaded = evictOverBudget();
      }
      unloaded.forEach(ServedModel::close);
      return lease;
    }
  }

  private Lease lease(Entry entry) {
    entry.refs++;
    entry.lastUsed = ++clock;
    return new Lease(entry, entry.model);
  }

  private ServedModel load(ModelSource source) throws OffloadException {
    long start = System.nanoTime();
    ServedModel served = null;
    try {
      ModelFetcher.Fetched fetched = fetcher.fetch(source);
      InferenceEngine engine = Engines.forFile(fetched.file());
      LoadedModel model = engine.load(fetched.file(), modelOptions);
      served =
          new ServedModel(source, model, platform(engine), Files.size(fetched.file()), batchers);
      served.warm();
      long nanos = System.nanoTime() - start;
      listener.loaded(source, fetched.tier().name().toLowerCase(java.util.Locale.ROOT), nanos);
      LOG.info(
          "model={} version={} loaded tier={} provider={} batchable={} latencyMs={}",
          source.name(),
          source.version(),
          fetched.tier(),
          served.provider(),
          served.batchable(),
          nanos / 1_000_000);
      return served;
    } catch (IOException | InferenceException e) {
      if (served != null) {
        served.close();
      }
      throw new OffloadException(500, "Cannot load model " + source + ": " + e.getMessage(), e);
    }
  }

  /** Unloads least recently used idle versions while over budget; returns them to close. */
  private List<ServedModel> evictOverBudget() {
    List<Entry> loaded = new ArrayList<>();
    long total = 0;
    for (TreeMap<String, Entry> versions : models.values()) {
      for (Entry entry : versions.values()) {
        if (entry.model != null) {
          loaded.add(entry);
          total += entry.model.bytes();
        }
      }
    }
    loaded.sort(Comparator.comparingLong(e -> e.lastUsed));
    List<ServedModel> unloaded = new ArrayList<>();
    for (Entry entry : loaded) {
      if (total <= memoryBudgetBytes) {
        break;
      }
      if (entry.refs == 0) {
        total -= entry.model.bytes();
        unloaded.add(entry.model);
        entry.model = null;
        listener.unloaded(entry.source);
        LOG.info(
            "model={} version={} unloaded to keep within the memory budget of {} bytes",
            entry.source.name(),
            entry.source.version(),
            memoryBudgetBytes);
      }
    }
    return unloaded;
  }

  private TreeMap<String, Entry> versionsOf(String name) throws OffloadException {
    TreeMap<String, Entry> versions = models.get(name);
    if (versions == null) {
      throw new OffloadException(
          404, "Unknown model " + name + ", expected one of " + models.keySet());
    }
    return versions;
  }

  private Entry entry(String name, Optional<String> version) throws OffloadException {
    TreeMap<String, Entry> versions = versionsOf(name);
    if (version.isEmpty()) {
      return versions.lastEntry().getValue();
    }
    Entry entry = versions.get(version.get());
    if (entry == null) {
      throw new OffloadException(
          404,
          "Unknown version "
              + version.get()
              + " of model "
              + name
              + ", expected one of "
              + versions.keySet());
    }
    return entry;
  }

  /** The protocol's platform name for the engine, as Triton spells it. */
  private static String platform(InferenceEngine engine) {
    return "onnxruntime".equals(engine.name()) ? "onnxruntime_onnx" : engine.name();
  }

  /** Numeric order when both are numbers (so 10 follows 9), text order otherwise. */
  static int compareVersions(String a, String b) {
    boolean numeric = a.matches("\\d{1,18}") && b.matches("\\d{1,18}");
    return numeric ? Long.compare(Long.parseLong(a), Long.parseLong(b)) : a.compareTo(b);
  }

  /** Unloads every version. */
  @Override
  public void close() {
    List<ServedModel> loaded = new ArrayList<>();
    synchronized (this) {
      for (TreeMap<String, Entry> versions : models.values()) {
        for (Entry entry : versions.values()) {
          if (entry.model != null) {
            loaded.add(entry.model);
            entry.model = null;
          }
        }
      }
    }
    loaded.forEach(ServedModel::close);
  }
}
