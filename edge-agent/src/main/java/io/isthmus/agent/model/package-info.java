/**
 * What the pipeline knows about the model that answered a run: {@link
 * io.isthmus.agent.model.VersionedModel} runs like any model and names the version that served the
 * run, so a result carries the version that produced it even while model sync swaps versions.
 */
package io.isthmus.agent.model;
