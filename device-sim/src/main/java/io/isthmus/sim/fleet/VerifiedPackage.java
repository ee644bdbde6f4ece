package io.isthmus.sim.fleet;

/**
 * A package a simulated gateway fetched and verified: signature, platform and every file's size and
 * sha256.
 *
 * @param name the model name in the manifest
 * @param version the model version in the manifest
 * @param keyId the key that signed it
 * @param files how many files the manifest lists
 * @param bytesFetched model file bytes this gateway downloaded (less than the package's size when
 *     files came from the shared cache)
 */
record VerifiedPackage(String name, String version, String keyId, int files, long bytesFetched) {}
