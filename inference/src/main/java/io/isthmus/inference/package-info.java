/** Engine-neutral inference API. */
package io.isthmus.inference;
