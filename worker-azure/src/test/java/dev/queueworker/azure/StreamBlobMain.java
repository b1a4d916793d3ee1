package dev.queueworker.azure;

import dev.queueworker.api.Document;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Run in a child JVM with a small heap by {@link AzureBlobStreamingIT}, to show that documents are
 * streamed. The connection string comes from the environment variable
 * {@code AZURE_STORAGE_CONNECTION_STRING}, so it never appears on a command line.
 *
 * <pre>
 * StreamBlobMain read &lt;container&gt; &lt;blob&gt;
 * StreamBlobMain write &lt;container&gt; &lt;blob&gt; &lt;size&gt; &lt;seed&gt;   (uploads with size -1: unknown)
 * </pre>
 *
 * Prints {@code sha256=<hex> bytes=<n> maxMemory=<bytes>} on success.
 */
public final class StreamBlobMain {
    private StreamBlobMain() {
    }

    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        AzureBlobDocumentStore store = AzureBlobDocumentStore.builder()
                .connectionString(System.getenv("AZURE_STORAGE_CONNECTION_STRING"))
                .containerName(args[1])
                .build();
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long bytes;
        switch (args[0]) {
            case "read" -> {
                try (Document document = store.open(args[2])) {
                    bytes = drain(new DigestInputStream(document.content(), digest));
                    if (bytes != document.size()) {
                        throw new IllegalStateException("read " + bytes + " bytes of " + document.size());
                    }
                }
            }
            case "write" -> {
                bytes = Long.parseLong(args[3]);
                InputStream content = new DigestInputStream(new GeneratedBytes(bytes, Long.parseLong(args[4])), digest);
                store.put(args[2], content, -1, "application/octet-stream");
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.out.println("sha256=" + HexFormat.of().formatHex(digest.digest()) + " bytes=" + bytes
                + " maxMemory=" + Runtime.getRuntime().maxMemory());
        System.exit(0); // the SDK's non-daemon threads must not keep the JVM alive
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
        }
        return total;
    }
}
