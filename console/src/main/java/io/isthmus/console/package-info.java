/**
 * The fleet console: {@link io.isthmus.console.Console} starts the store, the model registry, the
 * gateway transport, the rollout engine and the HTTP API from {@link
 * io.isthmus.console.ConsoleOptions}; {@code ./isthmus console} runs it.
 */
package io.isthmus.console;
