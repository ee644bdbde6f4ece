/**
 * The model registry: uploads become signed packages ({@link
 * io.isthmus.console.registry.ModelRegistry}), stored content-addressed ({@link
 * io.isthmus.console.registry.BlobStore}) and fetched by gateways at signed URLs ({@link
 * io.isthmus.console.registry.ArtifactUrls}); the console's keys ({@link
 * io.isthmus.console.registry.ConsoleKeys}).
 */
package io.isthmus.console.registry;
