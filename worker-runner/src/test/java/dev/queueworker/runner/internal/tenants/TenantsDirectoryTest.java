package dev.queueworker.runner.internal.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.RunnerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantsDirectoryTest {

    @TempDir
    Path dir;

    private void write(String path, String text) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static RunnerConfig valid(TenantsDirectory read, String client) {
        ClientSettings settings = read.clients().get(client);
        assertThat(settings).as(String.valueOf(settings)).isInstanceOf(ClientSettings.Valid.class);
        return ((ClientSettings.Valid) settings).config();
    }

    private static String why(TenantsDirectory read, String client) {
        ClientSettings settings = read.clients().get(client);
        assertThat(settings).isInstanceOf(ClientSettings.Invalid.class);
        return ((ClientSettings.Invalid) settings).why();
    }

    @Test
    void theClientsFileWinsOverTheEnvironmentWhichWinsOverTheSharedFile() throws IOException {
        write(".env", "QUEUE_PROVIDER=mock\nDOCUMENT_STORE=memory\nWEBHOOK_SECRET=whsec_c2hhcmVkLXNlY3JldC0wMTIzNDU2Nzg5\nWORKER_POLLING_INTERVAL=9s\n"
                + "WORKER_MAX_DEQUEUE_COUNT=7\n");
        write("clients/alpha.env", "WEBHOOK_SECRET=whsec_YWxwaGEtc2VjcmV0LTAxMjM0NTY3ODk=\nWORKER_SHARE=3\n");
        write("clients/beta.env", "WORKER_MAX_DEQUEUE_COUNT=4\n");

        TenantsDirectory read = TenantsDirectory.read(dir, Map.of("WORKER_POLLING_INTERVAL", "2s",
                "WORKER_MAX_DEQUEUE_COUNT", "6"));

        assertThat(read.clients()).containsOnlyKeys("alpha", "beta");
        RunnerConfig alpha = valid(read, "alpha");
        assertThat(alpha.variables()).containsEntry("WEBHOOK_SECRET", "whsec_YWxwaGEtc2VjcmV0LTAxMjM0NTY3ODk=");
        assertThat(alpha.workerOptions().clientId()).isEqualTo("alpha");
        assertThat(alpha.workerOptions().pollingInterval()).hasSeconds(2);
        assertThat(alpha.workerOptions().maxDequeueCount()).isEqualTo(6);
        assertThat(alpha.share()).isEqualTo(3);
        RunnerConfig beta = valid(read, "beta");
        assertThat(beta.variables()).containsEntry("WEBHOOK_SECRET", "whsec_c2hhcmVkLXNlY3JldC0wMTIzNDU2Nzg5");
        assertThat(beta.workerOptions().maxDequeueCount()).isEqualTo(4);
        assertThat(beta.share()).isEqualTo(1);
    }

    @Test
    void eachClientHasItsOwnDataDirAndTheSharedSlotsAsItsDefaultCap() throws IOException {
        write(".env", "QUEUE_PROVIDER=mock\nDOCUMENT_STORE=memory\nWORKER_TENANTS_CONCURRENCY=5\nWORKER_DATA_DIR=/var/shared\n");
        write("clients/alpha.env", "");
        write("clients/beta.env", "WORKER_CONCURRENCY=2\nWORKER_DATA_DIR=" + dir.resolve("elsewhere") + "\n");

        TenantsDirectory read = TenantsDirectory.read(dir, Map.of());

        assertThat(read.daemon().tenantsConcurrency()).isEqualTo(5);
        assertThat(valid(read, "alpha").workerOptions().concurrency()).isEqualTo(5);
        assertThat(valid(read, "alpha").ai().dataDir()).isEqualTo(dir.resolve("data").resolve("alpha").toAbsolutePath());
        assertThat(valid(read, "beta").workerOptions().concurrency()).isEqualTo(2);
        assertThat(valid(read, "beta").ai().dataDir()).isEqualTo(dir.resolve("elsewhere"));
        assertThat(read.warnings()).singleElement().asString().startsWith("WORKER_DATA_DIR in " + dir.resolve(".env")
                + " is ignored in tenants mode");
    }

    @Test
    void aDaemonLevelVariableInAClientsFileStopsThatClientOnly() throws IOException {
        write(".env", "QUEUE_PROVIDER=mock\nDOCUMENT_STORE=memory\nWORKER_HTTP_PORT=0\n");
        write("clients/alpha.env", "WORKER_HTTP_PORT=9999\n");
        write("clients/beta.env", "");

        TenantsDirectory read = TenantsDirectory.read(dir, Map.of());

        assertThat(why(read, "alpha")).isEqualTo(dir.resolve("clients/alpha.env") + ": WORKER_HTTP_PORT is a"
                + " daemon-level variable: set it in " + dir.resolve(".env") + " (it applies to every client)");
        valid(read, "beta");
        assertThat(read.daemon().httpPort()).isZero();
    }

    @Test
    void twoClientsNamingOneDataDirectoryAreBothStopped() throws IOException {
        write(".env", "QUEUE_PROVIDER=mock\nDOCUMENT_STORE=memory\n");
        write("clients/alpha.env", "WORKER_DATA_DIR=/var/lib/qw/common\n");
        write("clients/beta.env", "WORKER_DATA_DIR=/var/lib/qw/common/\n");
        write("clients/gamma.env", "\n");

        TenantsDirectory read = TenantsDirectory.read(dir, Map.of());
        assertThat(why(read, "alpha")).isEqualTo("WORKER_DATA_DIR /var/lib/qw/common is also client beta's: set"
                + " WORKER_DATA_DIR in " + dir.resolve("clients/alpha.env") + " to a directory of alpha's own, or"
                + " remove it (the default is alpha's own)");
        assertThat(why(read, "beta")).startsWith("WORKER_DATA_DIR /var/lib/qw/common is also client alpha's:");
        assertThat(valid(read, "gamma").ai().dataDir()).isEqualTo(dir.resolve("data/gamma").toAbsolutePath());
    }

    @Test
    void clientsSharingAContainerMustEachReadUnderTheirOwnFolder() throws IOException {
        String azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
                + "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1";
        write(".env", "AZURE_STORAGE_CONNECTION_STRING=" + azurite + "\n");
        write("clients/alpha.env", "\n");
        write("clients/beta.env", "\n");
        write("clients/gamma.env", "AZURE_STORAGE_CONTAINER_NAME=gamma-documents\n");
        write("clients/delta.env", "AZURE_STORAGE_CONNECTION_STRING=" + azurite.replace("10000", "20000") + "\n");

        TenantsDirectory read = TenantsDirectory.read(dir, Map.of());
        assertThat(why(read, "alpha")).isEqualTo("AZURE_STORAGE_CONTAINER_NAME documents is shared with client beta,"
                + " and BLOB_NAME_TEMPLATE {filename} has no {client_id}/ folder, so they could read each other's"
                + " documents: set AZURE_STORAGE_CONTAINER_NAME in " + dir.resolve("clients/alpha.env") + " to a"
                + " container of alpha's own, or BLOB_NAME_TEMPLATE={client_id}/{filename} and upload alpha's documents"
                + " under alpha/");
        assertThat(why(read, "beta")).startsWith("AZURE_STORAGE_CONTAINER_NAME documents is shared with client alpha,");
        assertThat(valid(read, "gamma").azureContainerName()).as("its own container").isEqualTo("gamma-documents");
        assertThat(valid(read, "delta").azureContainerName()).as("another account").isEqualTo("documents");

        write("clients/alpha.env", "BLOB_NAME_TEMPLATE={client_id}/{filename}\n");
        read = TenantsDirectory.read(dir, Map.of());
        assertThat(valid(read, "alpha").documentFolder()).map(f -> f.prefix()).contains("alpha/");
        assertThat(why(read, "beta")).as("beta could still read alpha/...").contains("is shared with client alpha");

        write(".env", "AZURE_STORAGE_CONNECTION_STRING=" + azurite + "\nBLOB_NAME_TEMPLATE={client_id}/{filename}\n");
        read = TenantsDirectory.read(dir, Map.of());
        assertThat(valid(read, "beta").ai().blobNameTemplate()).isEqualTo("beta/{filename}");
        assertThat(valid(read, "alpha").ai().blobNameTemplate()).isEqualTo("alpha/{filename}");

        // A client named uploads, with {client_id}/ first, would read alpha's uploads/alpha/...
        write("clients/alpha.env", "BLOB_NAME_TEMPLATE=uploads/{client_id}/{filename}\n");
        write("clients/uploads.env", "\n");
        read = TenantsDirectory.read(dir, Map.of());
        assertThat(why(read, "alpha")).isEqualTo("BLOB_NAME_TEMPLATE gives alpha the folder uploads/alpha/ and client"
                + " uploads the folder uploads/ where both read documents, one inside the other: give every client of one"
                + " container the same BLOB_NAME_TEMPLATE (set it in " + dir.resolve("clients/alpha.env")
                + " or in the shared .env)");
        assertThat(why(read, "uploads")).contains("gives uploads the folder uploads/ and client alpha");
        assertThat(valid(read, "beta").documentFolder()).map(f -> f.prefix()).contains("beta/");
    }

    @Test
    void aBadValueOrABadFileStopsThatClientWithOneLineNamingIt() throws IOException {
        write(".env", "QUEUE_PROVIDER=mock\nDOCUMENT_STORE=memory\n");
        write("clients/alpha.env", "WORKER_VISIBILITY_TIMEOUT=soon\n");
        write("clients/beta.env", "this is not a variable\n");
        write("clients/gamma.env", "WORKER_SHARE=101\n");
        write("clients/delta.env", "");

        TenantsDirectory read = TenantsDirectory.read(dir, Map.of());

        assertThat(why(read, "alpha")).startsWith("WORKER_VISIBILITY_TIMEOUT must be a duration")
                .endsWith("(" + dir.resolve("clients/alpha.env") + ")").doesNotContain("\n");
        assertThat(why(read, "beta")).contains("beta.env").doesNotContain("\n");
        assertThat(why(read, "gamma")).startsWith("WORKER_SHARE must be 1 to 100, was 101");
        valid(read, "delta");
    }

    @Test
    void aBadSharedValueNamesTheSharedFileOrTheEnvironment() throws IOException {
        write(".env", "QUEUE_PROVIDER=mock\nDOCUMENT_STORE=memory\nWORKER_POLLING_INTERVAL=often\n");
        write("clients/alpha.env", "");
        write("clients/beta.env", "WORKER_POLLING_INTERVAL=2s\n");
        write("clients/gamma.env", "WORKER_POLLING_INTERVAL=2s\nWORKER_MAX_DEQUEUE_COUNT=3\n");

        TenantsDirectory read = TenantsDirectory.read(dir, Map.of("WORKER_MAX_DEQUEUE_COUNT", "many"));

        assertThat(why(read, "alpha")).startsWith("WORKER_POLLING_INTERVAL must be a duration")
                .endsWith("(" + dir.resolve(".env") + ")");
        assertThat(why(read, "beta")).isEqualTo("WORKER_MAX_DEQUEUE_COUNT must be a whole number, was 'many'"
                + " (the environment)");
        valid(read, "gamma");
    }

    @Test
    void aClientIdInTheFileMustBeTheFileNameAndSharedOnesAreIgnored() throws IOException {
        write(".env", "QUEUE_PROVIDER=mock\nDOCUMENT_STORE=memory\nCLIENT_ID=everyone\n");
        write("clients/alpha.env", "CLIENT_ID=beta\n");
        write("clients/beta.env", "CLIENT_ID=beta\n");
        write("clients/gamma.env", "");

        TenantsDirectory read = TenantsDirectory.read(dir, Map.of());

        assertThat(why(read, "alpha")).isEqualTo(dir.resolve("clients/alpha.env") + ": CLIENT_ID is 'beta' but the"
                + " file is alpha.env: remove CLIENT_ID or set it to 'alpha'");
        assertThat(valid(read, "beta").workerOptions().clientId()).isEqualTo("beta");
        assertThat(valid(read, "gamma").workerOptions().clientId()).isEqualTo("gamma");
        assertThat(read.warnings()).anyMatch(w -> w.startsWith("CLIENT_ID in " + dir.resolve(".env") + " is ignored"));
    }

    @Test
    void fileNamesMustBeClientIdsAndOtherFilesAreSkipped() throws IOException {
        write(".env", "QUEUE_PROVIDER=azure\nAZURE_STORAGE_CONNECTION_STRING=UseDevelopmentStorage=true\n");
        write("clients/Not_A_Client.env", "");
        write("clients/alpha.env", "");
        write("clients/alpha.env.bak", "");
        write("clients/.alpha.env.swp", "");

        TenantsDirectory read = TenantsDirectory.read(dir, Map.of());

        assertThat(read.clients()).containsOnlyKeys("Not_A_Client", "alpha");
        assertThat(why(read, "Not_A_Client")).startsWith("Not_A_Client.env: the file name must be <client>.env");
        valid(read, "alpha");
        assertThat(read.warnings()).containsExactly(dir.resolve("clients/alpha.env.bak")
                + " is ignored: only <client>.env files are read");
    }

    @Test
    void noClientFileOrABadDaemonVariableStopsTheDaemon() throws IOException {
        assertThatThrownBy(() -> TenantsDirectory.read(dir.resolve("missing"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith("missing: no such directory");
        assertThatThrownBy(() -> TenantsDirectory.read(dir, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no directory " + dir.resolve("clients"));
        write("clients/notes.txt", "");
        assertThatThrownBy(() -> TenantsDirectory.read(dir, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no client settings in");
        write("clients/alpha.env", "QUEUE_PROVIDER=mock\nDOCUMENT_STORE=memory\n");
        assertThatThrownBy(() -> TenantsDirectory.read(dir, Map.of("WORKER_TENANTS_CONCURRENCY", "0")))
                .isInstanceOf(ConfigException.class).hasMessage("WORKER_TENANTS_CONCURRENCY must be 1 to 10000, was 0");
    }
}
