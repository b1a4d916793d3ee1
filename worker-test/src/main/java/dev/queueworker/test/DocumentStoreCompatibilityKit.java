package dev.queueworker.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.Document;
import dev.queueworker.api.DocumentInfo;
import dev.queueworker.api.DocumentNotFoundException;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.InvalidDocumentNameException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every {@link DocumentStore} keeps, as JUnit 5 tests: extend this class, say how to
 * create a fresh store, and every test here runs against your store.
 *
 * <pre>{@code
 * class FileSystemDocumentStoreCompatibilityTest extends DocumentStoreCompatibilityKit {
 *     @TempDir
 *     Path root;
 *
 *     @Override
 *     protected DocumentStore createStore() {
 *         return new FileSystemDocumentStore(root);
 *     }
 *
 *     @Override
 *     protected boolean storesContentType() {
 *         return false;
 *     }
 * }
 * }</pre>
 */
public abstract class DocumentStoreCompatibilityKit {

    /** Names every store refuses, whatever the operation. */
    protected static final List<String> HOSTILE_NAMES = List.of("", "/etc/passwd", "../x", "a/../../b", "a/./b",
            "a//b", "a\u0000b", "a\nb", "a\\b", "C:/x", "x".repeat(DocumentStore.MAX_NAME_LENGTH + 1));

    /** The store under test, fresh for each test. */
    protected DocumentStore store;

    /** Creates a fresh, empty store. Called before each test. */
    protected abstract DocumentStore createStore();

    /** Whether {@link Document#contentType()} returns the type given to {@code put}. */
    protected boolean storesContentType() {
        return true;
    }

    @BeforeEach
    public final void createStoreUnderTest() {
        store = createStore();
        assertThat(store).as("createStore()").isNotNull();
    }

    @Test
    public void putThenOpenReturnsTheSameBytesAndSize() throws IOException {
        byte[] bytes = "%PDF-1.7 Grüße 你好\n\u0000\u00ff binary tail".getBytes(StandardCharsets.UTF_8);

        store.put("report.pdf", new ByteArrayInputStream(bytes), bytes.length, "application/pdf");

        try (Document document = store.open("report.pdf")) {
            assertThat(document.name()).isEqualTo("report.pdf");
            assertThat(document.size()).as("size, known before reading").isEqualTo(bytes.length);
            if (storesContentType()) {
                assertThat(document.contentType()).isEqualTo("application/pdf");
            }
            assertThat(document.content().readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    public void putWithAnUnknownSizeStoresEverything() throws IOException {
        byte[] bytes = "size not given".getBytes(StandardCharsets.UTF_8);

        store.put("unknown-size.txt", new ByteArrayInputStream(bytes), -1, null);

        try (Document document = store.open("unknown-size.txt")) {
            assertThat(document.size()).isEqualTo(bytes.length);
            assertThat(document.content().readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    public void putDoesNotCloseTheCallersStream() {
        boolean[] closed = {false};
        InputStream content = new FilterInputStream(new ByteArrayInputStream(new byte[] {1, 2, 3})) {
            @Override
            public void close() throws IOException {
                closed[0] = true;
                super.close();
            }
        };

        store.put("not-closed.bin", content, 3, "application/octet-stream");

        assertThat(closed[0]).as("stream closed by put").isFalse();
        assertThat(store.exists("not-closed.bin")).isTrue();
    }

    @Test
    public void putWithAWrongSizeFailsAndStoresNothing() {
        byte[] bytes = {1, 2, 3, 4};

        assertThatThrownBy(() -> store.put("wrong-size.bin", new ByteArrayInputStream(bytes), 10, null))
                .isInstanceOf(RuntimeException.class);

        assertThat(store.exists("wrong-size.bin")).isFalse();
    }

    @Test
    public void aFiveMegabyteStreamRoundTrips() throws Exception {
        long size = 5L * 1024 * 1024;
        MessageDigest written = MessageDigest.getInstance("SHA-256");

        store.put("big/five-megabytes.bin", new DigestInputStream(new GeneratedInputStream(size, 42), written), size,
                "application/octet-stream");

        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long count;
        try (Document document = store.open("big/five-megabytes.bin")) {
            assertThat(document.size()).isEqualTo(size);
            count = drain(new DigestInputStream(document.content(), read));
        }
        assertThat(count).isEqualTo(size);
        assertThat(read.digest()).isEqualTo(written.digest());
        assertThat(store.list("big/")).containsExactly(new DocumentInfo("big/five-megabytes.bin", size));
    }

    @Test
    public void putReplacesAnEarlierDocument() throws IOException {
        put("doc.txt", "first version, rather long");
        put("doc.txt", "second");

        assertThat(read("doc.txt")).isEqualTo("second");
        assertThat(store.list("")).containsExactly(new DocumentInfo("doc.txt", 6));
    }

    @Test
    public void existsTellsWhetherADocumentIsThere() {
        assertThat(store.exists("here.txt")).isFalse();
        put("here.txt", "x");
        assertThat(store.exists("here.txt")).isTrue();
        assertThat(store.exists("there.txt")).isFalse();
    }

    @Test
    public void listReturnsTheDocumentsWithThePrefixSortedByName() {
        put("b/1.txt", "b1");
        put("a2.txt", "a2!");
        put("a/2.txt", "a/2");
        put("a/1.txt", "1");

        assertThat(store.list("a/")).containsExactly(new DocumentInfo("a/1.txt", 1), new DocumentInfo("a/2.txt", 3));
        assertThat(store.list("a")).extracting(DocumentInfo::name).containsExactly("a/1.txt", "a/2.txt", "a2.txt");
        assertThat(store.list("")).extracting(DocumentInfo::name)
                .containsExactly("a/1.txt", "a/2.txt", "a2.txt", "b/1.txt");
        assertThat(store.list("zzz")).isEmpty();
        assertThat(store.list("b/1.txt")).extracting(DocumentInfo::name).containsExactly("b/1.txt");
    }

    @Test
    public void listOfAnEmptyStoreIsEmpty() {
        assertThat(store.list("")).isEmpty();
    }

    @Test
    public void deleteRemovesADocumentOnce() {
        put("gone.txt", "bye");

        assertThat(store.delete("gone.txt")).isTrue();
        assertThat(store.delete("gone.txt")).isFalse();
        assertThat(store.exists("gone.txt")).isFalse();
        assertThatThrownBy(() -> store.open("gone.txt")).isInstanceOf(DocumentNotFoundException.class);
        assertThat(store.list("")).isEmpty();
    }

    @Test
    public void openOfAMissingDocumentThrowsDocumentNotFound() {
        assertThatThrownBy(() -> store.open("missing.pdf"))
                .isInstanceOfSatisfying(DocumentNotFoundException.class,
                        e -> assertThat(e.name()).isEqualTo("missing.pdf"));
        assertThatThrownBy(() -> store.open("no/such/dir/missing.pdf")).isInstanceOf(DocumentNotFoundException.class);
    }

    @Test
    public void nestedNamesWork() throws IOException {
        put("set/sub/report.pdf", "nested");

        assertThat(store.exists("set/sub/report.pdf")).isTrue();
        assertThat(read("set/sub/report.pdf")).isEqualTo("nested");
        assertThat(store.list("set/")).extracting(DocumentInfo::name).containsExactly("set/sub/report.pdf");
        assertThat(store.delete("set/sub/report.pdf")).isTrue();
        assertThat(store.exists("set/sub/report.pdf")).isFalse();
    }

    @TestFactory
    public Stream<DynamicTest> hostileNamesAreRejectedByEveryOperation() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : HOSTILE_NAMES) {
            String shown = name.length() > 40 ? name.substring(0, 10) + "…(" + name.length() + " chars)"
                    : name.replace("\u0000", "\\0").replace("\n", "\\n");
            tests.add(rejects("open '" + shown + "'", name, n -> store.open(n)));
            tests.add(rejects("put '" + shown + "'", name,
                    n -> store.put(n, new ByteArrayInputStream(new byte[] {1}), 1, null)));
            tests.add(rejects("exists '" + shown + "'", name, n -> store.exists(n)));
            tests.add(rejects("delete '" + shown + "'", name, n -> store.delete(n)));
        }
        return tests.stream();
    }

    @Test
    public void hostileNamesStoreNothing() {
        for (String name : HOSTILE_NAMES) {
            assertThatThrownBy(() -> store.put(name, new ByteArrayInputStream(new byte[] {1}), 1, null))
                    .isInstanceOf(InvalidDocumentNameException.class);
        }
        assertThat(store.list("")).isEmpty();
    }

    @Test
    public void concurrentPutsAndOpensOfDifferentNamesDoNotInterfere() throws Exception {
        int threads = 6;
        int perThread = 15;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<Integer> work = () -> {
                    start.await();
                    int verified = 0;
                    for (int i = 0; i < perThread; i++) {
                        String name = "concurrent/t" + thread + "/doc-" + i + ".txt";
                        String text = "thread " + thread + " document " + i + " " + "z".repeat(i * 100);
                        put(name, text);
                        if (read(name).equals(text)) {
                            verified++;
                        }
                    }
                    return verified;
                };
                futures.add(executor.submit(work));
            }
            start.countDown();
            for (Future<Integer> future : futures) {
                assertThat(future.get(60, TimeUnit.SECONDS)).isEqualTo(perThread);
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(store.list("concurrent/")).hasSize(threads * perThread);
    }

    // --- helpers ---

    /** Puts a UTF-8 text document. */
    protected void put(String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        store.put(name, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }

    /** Reads a whole document as UTF-8 text. */
    protected String read(String name) throws IOException {
        try (Document document = store.open(name)) {
            return new String(document.content().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private DynamicTest rejects(String displayName, String name, Consumer<String> operation) {
        return DynamicTest.dynamicTest(displayName, () -> assertThatThrownBy(() -> operation.accept(name))
                .isInstanceOf(InvalidDocumentNameException.class));
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

    /** Deterministic pseudo-random bytes, generated as they are read: no copy is held in memory. */
    protected static final class GeneratedInputStream extends InputStream {
        private final SplittableRandom random;
        private long remaining;

        public GeneratedInputStream(long size, long seed) {
            this.random = new SplittableRandom(seed);
            this.remaining = size;
        }

        @Override
        public int read() {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            return random.nextInt(256);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (remaining <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) random.nextInt(256);
            }
            remaining -= n;
            return n;
        }
    }
}
