package dev.queueworker.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.blob.specialized.BlobInputStream;
import dev.queueworker.api.Document;
import dev.queueworker.api.DocumentInfo;
import dev.queueworker.api.DocumentNotFoundException;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.InvalidDocumentNameException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;

/**
 * A {@link DocumentStore} in an Azure Blob Storage container: the document {@code policies/report.pdf}
 * is the block blob of that name.
 *
 * <pre>{@code
 * DocumentStore documents = AzureBlobDocumentStore.builder()
 *         .connectionString(connectionString)
 *         .containerName("documents")
 *         .build();
 * }</pre>
 *
 * <p>Either a connection string (including {@code UseDevelopmentStorage=true} for Azurite) or an
 * account name with a {@link TokenCredential} (by default {@code DefaultAzureCredential}, endpoint
 * {@code https://<account>.blob.core.windows.net}) says where the container is. {@link Builder#build()}
 * creates the container when it is missing, unless {@link Builder#createContainer(boolean)} says not to.
 *
 * <p>Documents are streamed both ways: {@link #open} reads the blob's properties (size, content type)
 * first, then downloads the content in blocks of a few megabytes as it is read, pinned to the version
 * it opened (a blob replaced meanwhile fails the read instead of mixing versions). {@link #put}
 * uploads in blocks and commits them at the end, so readers see the old or the new blob, never a part;
 * with an unknown size (-1) the stream is uploaded block by block without buffering it whole. A
 * document stored without a content type reads back as {@code application/octet-stream}, Azure's
 * default.
 *
 * <p>Names are checked with {@link DocumentStore#checkName} and Azure's own rules
 * ({@link #checkBlobName}). {@link #list} shows only blobs whose names pass those checks, so every
 * listed name can be opened.
 *
 * <p><b>Failures:</b> a missing blob is a {@link DocumentNotFoundException}; 408, 412 (the blob changed
 * while being read), 429, 5xx, timeouts and lost connections are {@link RetryableException}s; 401, 403
 * and other 4xx answers (including a missing container) are {@link PermanentException}s. Both keep
 * the service's status and error code.
 *
 * <p><b>Thread safety:</b> immutable and safe for concurrent use; share one instance.
 */
public final class AzureBlobDocumentStore implements DocumentStore {

    /** The container used when none is configured. */
    public static final String DEFAULT_CONTAINER_NAME = "documents";

    /** The block size for uploads and downloads when none is configured: 4 MiB. */
    public static final int DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024;

    private static final Pattern CONTAINER_NAME = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z0-9]{3,24}");
    private static final int UPLOAD_CONCURRENCY = 2;

    private final BlobContainerClient container;
    private final String description;
    private final int blockSize;

    private AzureBlobDocumentStore(BlobContainerClient container, String description, int blockSize) {
        this.container = container;
        this.description = description;
        this.blockSize = blockSize;
    }

    /** A builder; see the class documentation for an example. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks a name against {@link DocumentStore#checkName} and Azure's own rules for blob names: no
     * trailing {@code .} (Azure advises against it, and some clients strip it) and no unpaired UTF-16
     * surrogates (they cannot be encoded in a URL).
     *
     * @return the name, unchanged
     * @throws InvalidDocumentNameException saying what is wrong
     */
    public static String checkBlobName(String name) {
        DocumentStore.checkName(name);
        if (name.endsWith(".")) {
            throw new InvalidDocumentNameException(name, "must not end with '.' (Azure blob names)");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidDocumentNameException(name, "must not contain unpaired UTF-16 surrogates");
            }
        }
        return name;
    }

    @Override
    public Document open(String name) {
        BlobClient blob = blob(name);
        BlobInputStream in;
        try {
            // Reads the properties (and the first block) up front; later blocks only as they are read.
            in = blob.openInputStream(new BlobInputStreamOptions().setBlockSize(blockSize), Context.NONE);
        } catch (RuntimeException e) {
            throw translate("opening", name, e);
        }
        BlobProperties properties = in.getProperties();
        return new Document(name, properties.getBlobSize(), properties.getContentType(), in);
    }

    @Override
    public void put(String name, InputStream content, long size, String contentType) {
        BlobClient blob = blob(name);
        Objects.requireNonNull(content, "'content' cannot be null.");
        if (size < -1) {
            throw new IllegalArgumentException("'size' must be -1 (unknown) or at least 0, was " + size);
        }
        ExactLengthInputStream checked = new ExactLengthInputStream(content, size);
        BlobParallelUploadOptions options = size >= 0
                ? new BlobParallelUploadOptions(checked, size)
                : new BlobParallelUploadOptions(checked);
        options.setParallelTransferOptions(new ParallelTransferOptions()
                .setBlockSizeLong((long) blockSize)
                .setMaxSingleUploadSizeLong((long) blockSize)
                .setMaxConcurrency(UPLOAD_CONCURRENCY));
        if (contentType != null) {
            options.setHeaders(new BlobHttpHeaders().setContentType(contentType));
        }
        try {
            // Without request conditions the upload replaces any blob of the same name.
            blob.uploadWithResponse(options, null, Context.NONE);
        } catch (RuntimeException e) {
            SizeMismatchException mismatch = findCause(e, SizeMismatchException.class);
            if (mismatch != null) {
                throw new IllegalArgumentException("'size' was " + size + " but the content of document " + name
                        + " " + mismatch.getMessage(), e);
            }
            throw translate("writing", name, e);
        }
        if (size == -1 || checked.remaining() == 0) {
            return;
        }
        // The SDK read less than it was told to send: only possible if it stopped early. Never expected.
        throw new IllegalStateException("upload of document " + name + " stopped before the end of its content");
    }

    @Override
    public boolean exists(String name) {
        BlobClient blob = blob(name);
        try {
            return blob.exists();
        } catch (RuntimeException e) {
            throw translate("checking", name, e);
        }
    }

    @Override
    public List<DocumentInfo> list(String prefix) {
        checkPrefix(prefix);
        ListBlobsOptions options = new ListBlobsOptions().setMaxResultsPerPage(5000);
        if (!prefix.isEmpty()) {
            options.setPrefix(prefix);
        }
        List<DocumentInfo> found = new ArrayList<>();
        try {
            for (BlobItem item : container.listBlobs(options, null)) {
                if (isValidName(item.getName()) && item.getProperties() != null) {
                    Long size = item.getProperties().getContentLength();
                    found.add(new DocumentInfo(item.getName(), size == null ? 0 : size));
                }
            }
        } catch (RuntimeException e) {
            throw translate("listing", "prefix '" + prefix + "'", e);
        }
        // Azure lists in its own order (by UTF-8 bytes); the contract is String order, as in every store.
        found.sort(Comparator.comparing(DocumentInfo::name));
        return List.copyOf(found);
    }

    @Override
    public boolean delete(String name) {
        BlobClient blob = blob(name);
        try {
            // Snapshots go too: a blob with snapshots cannot be deleted alone.
            return Boolean.TRUE.equals(blob
                    .deleteIfExistsWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null, Context.NONE).getValue());
        } catch (RuntimeException e) {
            throw translate("deleting", name, e);
        }
    }

    @Override
    public String toString() {
        return "AzureBlobDocumentStore[" + description + "]";
    }

    private BlobClient blob(String name) {
        return container.getBlobClient(checkBlobName(name));
    }

    private static String checkPrefix(String prefix) {
        return DocumentStore.checkPrefix(prefix);
    }

    private static boolean isValidName(String name) {
        try {
            checkBlobName(name);
            return true;
        } catch (InvalidDocumentNameException e) {
            return false;
        }
    }

    /** Maps an SDK failure onto the retryable-versus-permanent tree, keeping status and error code. */
    private RuntimeException translate(String action, String name, RuntimeException e) {
        HttpResponseException response = findCause(e, HttpResponseException.class);
        if (response != null && response.getResponse() != null) {
            int status = response.getResponse().getStatusCode();
            String code = response instanceof BlobStorageException storage && storage.getErrorCode() != null
                    ? storage.getErrorCode().toString()
                    : null;
            String what = action + " document " + name + " failed: HTTP " + status + (code == null ? "" : " " + code);
            if (status == 404 && BlobErrorCode.BLOB_NOT_FOUND.toString().equals(code)) {
                return new DocumentNotFoundException(name);
            }
            if (status == 404 && BlobErrorCode.CONTAINER_NOT_FOUND.toString().equals(code)) {
                return new PermanentException(what + " (container " + description
                        + " does not exist; check the container's name)", e, status, code);
            }
            if (status == 408 || status == 412 || status == 429 || status >= 500) {
                return new RetryableException(what, e, status, code);
            }
            return new PermanentException(what, e, status, code);
        }
        if (findCause(e, ClientAuthenticationException.class) != null) {
            return new PermanentException(action + " document " + name + " failed: could not authenticate", e, 401,
                    null);
        }
        if (e instanceof IllegalArgumentException || e instanceof NullPointerException) {
            return e; // a caller's mistake, not the service's
        }
        // Timeouts, refused or reset connections, interrupted reads: worth another try.
        return new RetryableException(action + " document " + name + " failed: " + e, e);
    }

    private static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (type.isInstance(suppressed)) {
                    return type.cast(suppressed);
                }
            }
        }
        return null;
    }

    /**
     * Passes a caller's stream through, failing the upload before its last bytes when the content is
     * longer or shorter than the size given, so no wrong blob is ever committed. Does not close the
     * caller's stream.
     */
    private static final class ExactLengthInputStream extends FilterInputStream {
        private final long size;
        private long remaining;

        ExactLengthInputStream(InputStream in, long size) {
            super(in);
            this.size = size;
            this.remaining = size;
        }

        long remaining() {
            return remaining;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (size < 0) {
                return in.read(b, off, len);
            }
            if (len == 0) {
                return 0;
            }
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n == -1) {
                throw new SizeMismatchException("had only " + (size - remaining) + " bytes");
            }
            remaining -= n;
            if (remaining == 0 && in.read() != -1) {
                throw new SizeMismatchException("had more bytes");
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("skip is not supported");
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void close() {
            // The caller owns the stream.
        }
    }

    private static final class SizeMismatchException extends IOException {
        private static final long serialVersionUID = 1L;

        SizeMismatchException(String message) {
            super(message);
        }
    }

    /**
     * Configures an {@link AzureBlobDocumentStore}. Every setter validates its value at once; a
     * missing or conflicting choice fails in {@link #build()}, with a message that names the setting
     * and its environment variable but never a secret.
     */
    public static final class Builder {
        private String connectionString;
        private String accountName;
        private String endpoint;
        private TokenCredential credential;
        private String containerName = DEFAULT_CONTAINER_NAME;
        private OkHttpClient okHttpClient;
        private boolean createContainer = true;
        private int maxTries = 4;
        private Duration tryTimeout = Duration.ofMinutes(2);
        private Duration retryDelay = Duration.ofSeconds(1);
        private Duration maxRetryDelay = Duration.ofSeconds(30);
        private int blockSize = DEFAULT_BLOCK_SIZE;

        private Builder() {
        }

        /**
         * The storage account's connection string, such as
         * {@code UseDevelopmentStorage=true} or
         * {@code DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net}.
         * Use either this or {@link #accountName(String)}.
         */
        public Builder connectionString(String connectionString) {
            if (connectionString == null || connectionString.isBlank()) {
                throw new IllegalArgumentException(
                        "'connectionString' must not be empty");
            }
            this.connectionString = connectionString.trim();
            return this;
        }

        /**
         * The storage account's name: 3–24 lowercase letters and
         * digits. Requests authenticate with {@link #credential(TokenCredential)}. Use either this or
         * {@link #connectionString(String)}.
         */
        public Builder accountName(String accountName) {
            if (accountName == null || !ACCOUNT_NAME.matcher(accountName).matches()) {
                throw new IllegalArgumentException("'accountName' must be 3 to 24 lowercase"
                        + " letters and digits, was " + (accountName == null ? "null" : "'" + accountName + "'"));
            }
            this.accountName = accountName;
            return this;
        }

        /**
         * The blob endpoint to use with {@link #accountName(String)}; by default
         * {@code https://<account>.blob.core.windows.net}. For sovereign clouds and private endpoints.
         */
        public Builder endpoint(String endpoint) {
            if (endpoint == null || !(endpoint.startsWith("https://") || endpoint.startsWith("http://"))) {
                throw new IllegalArgumentException("endpoint must be an http(s) URL, was " + endpoint);
            }
            this.endpoint = endpoint;
            return this;
        }

        /** The credential used with {@link #accountName(String)}; by default {@code DefaultAzureCredential}. */
        public Builder credential(TokenCredential credential) {
            this.credential = Objects.requireNonNull(credential, "'credential' cannot be null.");
            return this;
        }

        /**
         * The container (default {@value #DEFAULT_CONTAINER_NAME}):
         * 3–63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.
         */
        public Builder containerName(String containerName) {
            if (containerName == null || !CONTAINER_NAME.matcher(containerName).matches()) {
                throw new IllegalArgumentException("'containerName' must be 3 to 63"
                        + " lowercase letters, digits and single hyphens, starting and ending with a letter or digit,"
                        + " was " + (containerName == null ? "null" : "'" + containerName + "'"));
            }
            this.containerName = containerName;
            return this;
        }

        /**
         * The OkHttp client to send requests with, so the store shares its connection pool and
         * dispatcher with the rest of the worker. By default the Azure SDK's own OkHttp client.
         */
        public Builder okHttpClient(OkHttpClient okHttpClient) {
            this.okHttpClient = Objects.requireNonNull(okHttpClient, "'okHttpClient' cannot be null.");
            return this;
        }

        /** Whether {@link #build()} creates the container when it is missing; default true. */
        public Builder createContainer(boolean createContainer) {
            this.createContainer = createContainer;
            return this;
        }

        /** How often a request is tried in all before it fails (at least 1, default 4). */
        public Builder maxTries(int maxTries) {
            if (maxTries < 1) {
                throw new IllegalArgumentException("maxTries must be at least 1, was " + maxTries);
            }
            this.maxTries = maxTries;
            return this;
        }

        /** How long one try of one request may take (default 2 minutes; one block is one request). */
        public Builder tryTimeout(Duration tryTimeout) {
            this.tryTimeout = SdkRetries.positive("tryTimeout", tryTimeout);
            return this;
        }

        /** The first delay between tries, growing exponentially (default 1 s). */
        public Builder retryDelay(Duration retryDelay) {
            this.retryDelay = SdkRetries.positive("retryDelay", retryDelay);
            return this;
        }

        /** The longest delay between tries (default 30 s). */
        public Builder maxRetryDelay(Duration maxRetryDelay) {
            this.maxRetryDelay = SdkRetries.positive("maxRetryDelay", maxRetryDelay);
            return this;
        }

        /**
         * The size of the blocks uploaded and downloaded (64 KiB to 100 MiB, default 4 MiB). Memory
         * used per transfer is a small multiple of it; larger blocks mean fewer requests.
         */
        public Builder blockSize(int blockSize) {
            if (blockSize < 64 * 1024 || blockSize > 100 * 1024 * 1024) {
                throw new IllegalArgumentException("blockSize must be 64 KiB to 100 MiB, was " + blockSize);
            }
            this.blockSize = blockSize;
            return this;
        }

        /**
         * Builds the store and, unless {@link #createContainer(boolean)} said not to, creates the
         * container when it is missing (one request).
         *
         * @throws IllegalStateException when neither or both of a connection string and an account name are set
         * @throws IllegalArgumentException when the connection string cannot be parsed
         * @throws RetryableException or {@link PermanentException} when creating the container fails
         */
        public AzureBlobDocumentStore build() {
            if (connectionString != null && accountName != null) {
                throw new IllegalStateException("set either 'connectionString' or"
                        + " 'accountName', not both");
            }
            if (connectionString == null && accountName == null) {
                throw new IllegalStateException("set 'connectionString' or"
                        + " 'accountName'");
            }
            BlobServiceClientBuilder service = new BlobServiceClientBuilder()
                    .retryOptions(SdkRetries.exponential(maxTries, tryTimeout, retryDelay, maxRetryDelay));
            if (okHttpClient != null) {
                HttpClient http = new OkHttpAsyncHttpClientBuilder(okHttpClient).build();
                service.httpClient(http);
            }
            if (connectionString != null) {
                try {
                    service.connectionString(connectionString);
                } catch (RuntimeException e) {
                    // The SDK's message could quote the string, and with it the account key: drop it.
                    throw new IllegalArgumentException("'connectionString' is not a"
                            + " valid Azure Storage connection string (" + e.getClass().getSimpleName() + ")");
                }
            } else {
                service.endpoint(endpoint != null ? endpoint : "https://" + accountName + ".blob.core.windows.net")
                        .credential(credential != null ? credential : new DefaultAzureCredentialBuilder().build());
            }
            BlobContainerClient container;
            try {
                container = service.buildClient().getBlobContainerClient(containerName);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the Azure Blob Storage settings are incomplete or invalid ("
                        + e.getClass().getSimpleName() + "); check 'connectionString' or 'accountName'");
            }
            String url = container.getBlobContainerUrl();
            int query = url.indexOf('?');
            AzureBlobDocumentStore store =
                    new AzureBlobDocumentStore(container, query < 0 ? url : url.substring(0, query), blockSize);
            if (createContainer) {
                try {
                    container.createIfNotExists();
                } catch (RuntimeException e) {
                    throw store.translate("creating the container for", containerName, e);
                }
            }
            return store;
        }
    }
}
