/**
 * Signed model packages: a folder with the model files and a {@link
 * io.isthmus.protocol.v1.SignedManifest} listing each file's sha256 and size, its target platforms
 * and engines, signed with Ed25519 (the JDK's own). {@link
 * io.isthmus.protocol.manifest.PackageBuilder} packs, {@link
 * io.isthmus.protocol.manifest.ModelPackage#sign} signs and {@link
 * io.isthmus.protocol.manifest.ModelPackage#verify} checks a package against {@link
 * io.isthmus.protocol.manifest.TrustedKeys}; every refusal is a {@link
 * io.isthmus.protocol.manifest.ManifestException} with a stable reason code.
 *
 * <pre>
 *  model files --PackageBuilder--> PKG/{manifest.pb, manifest.json, files}
 *                                    --sign(SigningKey)--> manifest.pb carries signature + key id
 *                                    --verify(TrustedKeys, platform)--> ModelManifest, or a reason
 * </pre>
 */
package io.isthmus.protocol.manifest;
