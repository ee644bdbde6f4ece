/** The audit history: every decision of operators and of the rollout engine, in PostgreSQL. */
package io.isthmus.console.audit;
