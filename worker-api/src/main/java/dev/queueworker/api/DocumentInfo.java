package dev.queueworker.api;

import java.util.Objects;

/**
 * A document as listed by {@link DocumentStore#list(String)}.
 *
 * @param name the document's name
 * @param size its size in bytes
 */
public record DocumentInfo(String name, long size) {
    public DocumentInfo {
        Objects.requireNonNull(name, "'name' cannot be null.");
    }
}
