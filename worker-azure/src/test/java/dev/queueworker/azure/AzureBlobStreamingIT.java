package dev.queueworker.azure;

import dev.queueworker.test.Azurite;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.Document;
import dev.queueworker.test.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 MB document goes through {@link AzureBlobDocumentStore} in a JVM whose heap is capped at
 * 256 MB: were anything read whole into memory, the child would run out of heap.
 */
class AzureBlobStreamingIT {
    private static final long SIZE = 200L * 1024 * 1024;
    private static final long MAX_HEAP = 256L * 1024 * 1024;
    private static final String CONTAINER = "streaming";
    private static final Pattern RESULT = Pattern.compile("sha256=([0-9a-f]{64}) bytes=(\\d+) maxMemory=(\\d+)");

    private static Azurite azurite;
    private static AzureBlobDocumentStore store;

    @TempDir
    Path temp;

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.start();
        store = AzureBlobDocumentStore.builder().connectionString(azurite.connectionString()).containerName(CONTAINER)
                .build();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void aTwoHundredMegabyteBlobIsStreamedThroughOpenInASmallHeap() throws Exception {
        MessageDigest generated = MessageDigest.getInstance("SHA-256");
        store.put("big/generated.bin", new DigestInputStream(new GeneratedBytes(SIZE, 7), generated), SIZE,
                "application/octet-stream");
        assertThat(store.list("big/")).singleElement().satisfies(info -> assertThat(info.size()).isEqualTo(SIZE));

        Matcher child = runChild("read", CONTAINER, "big/generated.bin");

        assertThat(child.group(1)).as("digest read by the child").isEqualTo(hex(generated.digest()));
        assertThat(Long.parseLong(child.group(2))).isEqualTo(SIZE);
        assertThat(Long.parseLong(child.group(3))).as("child's max heap").isLessThanOrEqualTo(MAX_HEAP);
    }

    @Test
    void aTwoHundredMegabyteStreamOfUnknownSizeIsUploadedFromASmallHeap() throws Exception {
        Matcher child = runChild("write", CONTAINER, "big/unknown-size.bin", Long.toString(SIZE), "11");

        assertThat(Long.parseLong(child.group(3))).as("child's max heap").isLessThanOrEqualTo(MAX_HEAP);
        MessageDigest read = MessageDigest.getInstance("SHA-256");
        try (Document document = store.open("big/unknown-size.bin")) {
            assertThat(document.size()).isEqualTo(SIZE);
            assertThat(drain(new DigestInputStream(document.content(), read))).isEqualTo(SIZE);
        }
        assertThat(hex(read.digest())).as("digest of what the child generated").isEqualTo(child.group(1));
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        drain(new DigestInputStream(new GeneratedBytes(SIZE, 11), expected));
        assertThat(child.group(1)).isEqualTo(hex(expected.digest()));
    }

    /** Runs {@link StreamBlobMain} in a JVM with -Xmx256m and returns its result line, matched. */
    private Matcher runChild(String... args) throws IOException, InterruptedException {
        return ChildJvm.run(StreamBlobMain.class, "-Xmx256m",
                Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString()),
                temp.resolve("child-" + args[0] + ".log"), RESULT, args);
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

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
