/**
 * The console's HTTP API ({@link io.isthmus.console.api.ConsoleApi}), documented in {@code
 * openapi.yaml}.
 */
package io.isthmus.console.api;
