package dev.queueworker.runner.internal.wiring;

import dev.queueworker.api.Document;
import dev.queueworker.api.DocumentInfo;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.InvalidDocumentNameException;
import dev.queueworker.runner.internal.config.ClientFolder;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;

/**
 * A document store seen through one client's folder ({@link ClientFolder}): a name outside it is
 * refused before the store is touched, so that a task's {@code blob_name} (which the template does
 * not shape) cannot read another client's document in a container they share. The refusal is an
 * {@link InvalidDocumentNameException}: permanent, the task goes to the poison queue saying why.
 * Thread-safe as the store is.
 */
final class ClientDocumentStore implements DocumentStore {

    private final DocumentStore store;
    private final ClientFolder folder;

    ClientDocumentStore(DocumentStore store, ClientFolder folder) {
        this.store = Objects.requireNonNull(store, "'store' cannot be null.");
        this.folder = Objects.requireNonNull(folder, "'folder' cannot be null.");
    }

    @Override
    public Document open(String name) {
        return store.open(inside(name));
    }

    @Override
    public void put(String name, InputStream content, long size, String contentType) {
        store.put(inside(name), content, size, contentType);
    }

    @Override
    public boolean exists(String name) {
        return store.exists(inside(name));
    }

    /** Only this client's documents: a prefix outside its folder lists none, a wider one lists the folder. */
    @Override
    public List<DocumentInfo> list(String prefix) {
        DocumentStore.checkPrefix(prefix);
        if (folder.prefix().startsWith(prefix)) {
            return store.list(folder.prefix());
        }
        return folder.contains(prefix) ? store.list(prefix) : List.of();
    }

    @Override
    public boolean delete(String name) {
        return store.delete(inside(name));
    }

    private String inside(String name) {
        DocumentStore.checkName(name);
        if (!folder.contains(name)) {
            throw new InvalidDocumentNameException(name, "is outside this client's folder " + folder.prefix()
                    + " (BLOB_NAME_TEMPLATE): in a container clients share, a task reads only its own client's documents");
        }
        return name;
    }

    @Override
    public String toString() {
        return store + " (folder " + folder.prefix() + ")";
    }
}
