package io.isthmus.inference;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Whether an engine can run on this machine, which execution providers it offers here, and why each
 * missing one is missing.
 *
 * @param engine the engine's name
 * @param version the native library's version, or "unknown" when it could not be loaded
 * @param available whether models can be loaded at all
 * @param reason why the engine is unavailable; empty when available
 * @param providers the execution providers usable here ({@code TFLITE_DELEGATE} when a configured
 *     delegate library loads and exports the plugin functions)
 * @param missingProviders providers this engine knows but cannot use here, with the reason
 */
public record EngineAvailability(
    String engine,
    String version,
    boolean available,
    String reason,
    Set<ExecutionProvider> providers,
    Map<ExecutionProvider, String> missingProviders) {

  public EngineAvailability {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(reason, "reason");
    providers = Set.copyOf(providers);
    missingProviders = Map.copyOf(missingProviders);
  }
}
