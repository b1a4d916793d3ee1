package dev.queueworker.core;

import dev.queueworker.api.Document;
import dev.queueworker.api.DocumentInfo;
import dev.queueworker.api.DocumentNotFoundException;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.InvalidDocumentNameException;
import dev.queueworker.api.RetryableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A {@link DocumentStore} in a directory: the document {@code policies/report.pdf} is the file
 * {@code <root>/policies/report.pdf}.
 *
 * <p>It never reads or writes outside its root: names are checked with
 * {@link DocumentStore#checkName}, and a name whose existing path leads outside the root through a
 * symbolic link is refused with an {@link InvalidDocumentNameException}. Files are opened with
 * {@link LinkOption#NOFOLLOW_LINKS} on their resolved real path, so a link swapped in at the last
 * moment is not followed either.
 *
 * <p>{@link #put} writes a temporary file next to the target (named {@code .qw-tmp-…}, never
 * listed) and renames it over the target atomically, so readers see the old or the new version,
 * never a partial one. Content types are not stored: {@link #open} guesses one from the name
 * (nullable). {@link #list} shows regular files only, not symbolic links or directories;
 * {@link #delete} leaves emptied directories in place.
 *
 * <pre>{@code
 * DocumentStore documents = new FileSystemDocumentStore(Path.of("/var/lib/queue-worker/documents"));
 * try (Document doc = documents.open("policies/report.pdf")) {
 *     parse(doc.content(), doc.size());
 * }
 * }</pre>
 *
 * <p><b>Thread safety:</b> safe for concurrent use, also by several processes sharing the root.
 */
public final class FileSystemDocumentStore implements DocumentStore {

    /** Temporary files start with this; {@link #list} never shows them and names may not use it. */
    static final String TEMP_PREFIX = ".qw-tmp-";

    private static final int BUFFER_SIZE = 64 * 1024;

    private final Path root;

    /**
     * @param root the directory holding the documents; created if missing
     * @throws UncheckedIOException when it cannot be created or resolved
     */
    public FileSystemDocumentStore(Path root) {
        Objects.requireNonNull(root, "'root' cannot be null.");
        try {
            Path absolute = root.toAbsolutePath().normalize();
            Files.createDirectories(absolute);
            this.root = absolute.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or resolve document root " + root, e);
        }
        if (!Files.isDirectory(this.root)) {
            throw new IllegalArgumentException("'root' must be a directory, was " + root);
        }
    }

    /** The real path of the root directory. */
    public Path root() {
        return root;
    }

    @Override
    public Document open(String name) {
        Path path = resolve(name);
        try {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new DocumentNotFoundException(name);
            }
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            long size;
            try {
                size = channel.size();
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            return new Document(name, size, guessContentType(path), Channels.newInputStream(channel));
        } catch (NoSuchFileException e) {
            throw new DocumentNotFoundException(name);
        } catch (IOException e) {
            throw new RetryableException("opening document " + name + " failed", e);
        }
    }

    @Override
    public void put(String name, InputStream content, long size, String contentType) {
        Path target = resolve(name);
        Objects.requireNonNull(content, "'content' cannot be null.");
        if (size < -1) {
            throw new IllegalArgumentException("'size' must be -1 (unknown) or at least 0, was " + size);
        }
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
        } catch (FileAlreadyExistsException e) {
            throw new InvalidDocumentNameException(name, "a parent of it is a document, not a directory");
        } catch (IOException e) {
            throw new RetryableException("creating the directory of document " + name + " failed", e);
        }
        // The directories may have been created or replaced concurrently: check where they lead now.
        checkInsideRoot(name, parent);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidDocumentNameException(name, "names a directory");
        }
        Path temp = parent.resolve(TEMP_PREFIX + UUID.randomUUID() + ".part");
        boolean moved = false;
        try {
            long written;
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                written = copy(content, out);
                out.force(true);
            }
            if (size >= 0 && size != written) {
                throw new IllegalArgumentException(
                        "'size' was " + size + " but the content of document " + name + " had " + written + " bytes");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } catch (IOException e) {
            throw new RetryableException("writing document " + name + " failed", e);
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
    }

    @Override
    public boolean exists(String name) {
        return Files.isRegularFile(resolve(name), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public List<DocumentInfo> list(String prefix) {
        InMemoryDocumentStore.checkPrefix(prefix);
        List<DocumentInfo> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(root)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String relative = relativeName(dir) + "/";
                    // Skip subtrees that cannot hold a name with this prefix.
                    return relative.startsWith(prefix) || prefix.startsWith(relative)
                            ? FileVisitResult.CONTINUE
                            : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(TEMP_PREFIX)) {
                        String name = relativeName(file);
                        if (name.startsWith(prefix) && isValidName(name)) {
                            found.add(new DocumentInfo(name, attrs.size()));
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // deleted while we walked
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new RetryableException("listing documents failed", e);
        }
        found.sort(Comparator.comparing(DocumentInfo::name));
        return List.copyOf(found);
    }

    @Override
    public boolean delete(String name) {
        Path path = resolve(name);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new RetryableException("deleting document " + name + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "FileSystemDocumentStore[" + root + "]";
    }

    /**
     * Maps a name to a path whose existing part is a real path (no symbolic links) inside the root.
     * The rest of the path does not exist yet.
     */
    private Path resolve(String name) {
        DocumentStore.checkName(name);
        Path path = root;
        for (String segment : name.split("/")) {
            if (segment.startsWith(TEMP_PREFIX)) {
                throw new InvalidDocumentNameException(name, "'" + TEMP_PREFIX + "' is reserved for temporary files");
            }
            path = path.resolve(segment);
        }
        path = path.normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new InvalidDocumentNameException(name, "resolves outside the store's root");
        }
        Path existing = path;
        while (!existing.equals(root) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        Path real = checkInsideRoot(name, existing);
        return real.resolve(existing.relativize(path).toString());
    }

    /** The real path of {@code existing}, which must lie inside the root. */
    private Path checkInsideRoot(String name, Path existing) {
        Path real;
        try {
            real = existing.toRealPath();
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(existing)) {
                throw new InvalidDocumentNameException(name, "leads through a symbolic link that resolves nowhere");
            }
            throw new RetryableException("document " + name + " changed while it was being resolved", e);
        } catch (IOException e) {
            throw new RetryableException("resolving document " + name + " failed", e);
        }
        if (!real.startsWith(root)) {
            throw new InvalidDocumentNameException(name, "leads outside the store's root through a symbolic link");
        }
        return real;
    }

    private String relativeName(Path path) {
        StringBuilder name = new StringBuilder();
        for (Path segment : root.relativize(path)) {
            if (name.length() > 0) {
                name.append('/');
            }
            name.append(segment);
        }
        return name.toString();
    }

    private static boolean isValidName(String name) {
        try {
            DocumentStore.checkName(name);
            return true;
        } catch (InvalidDocumentNameException e) {
            return false;
        }
    }

    private static String guessContentType(Path path) {
        return URLConnection.guessContentTypeFromName(path.getFileName().toString());
    }

    private static long copy(InputStream in, FileChannel out) throws IOException {
        byte[] buffer = new byte[BUFFER_SIZE];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
            total += n;
        }
        return total;
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // Best effort: list() never shows temporary files, so one left behind does no harm.
        }
    }
}
