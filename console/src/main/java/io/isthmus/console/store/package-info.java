/**
 * The console's PostgreSQL store: {@link io.isthmus.console.store.Database} (embedded or external,
 * migrated by Flyway from {@code db/migration}) and small JDBC helpers the feature packages use.
 */
package io.isthmus.console.store;
