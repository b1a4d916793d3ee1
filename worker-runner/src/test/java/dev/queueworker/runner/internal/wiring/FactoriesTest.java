package dev.queueworker.runner.internal.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.ai.ChunkStoreFactory;
import dev.queueworker.api.DocumentStoreFactory;
import dev.queueworker.api.QueueProviderFactory;
import dev.queueworker.runner.internal.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The one lookup by name: built-ins and test factories declared in this module's test META-INF/services. */
class FactoriesTest {

    /** A factory type only this test declares (META-INF/services/...FactoriesTest$Named). */
    public interface Named {
        String name();
    }

    public static final class First implements Named {
        public String name() {
            return "twice";
        }
    }

    public static final class Second implements Named {
        public String name() {
            return "twice";
        }
    }

    public static final class Once implements Named {
        public String name() {
            return "once";
        }
    }

    private static final ClassLoader DAEMON = FactoriesTest.class.getClassLoader();

    @Test
    void theBuiltInsAreFoundByTheirNamesLikeAPluginsOnes() {
        assertThat(Factories.find(DAEMON, QueueProviderFactory.class, QueueProviderFactory::name, "mock",
                "QUEUE_PROVIDER").name()).isEqualTo("mock");
        assertThat(Factories.find(DAEMON, QueueProviderFactory.class, QueueProviderFactory::name, "azure",
                "QUEUE_PROVIDER").getClass().getName()).startsWith("dev.queueworker.azure.");
        for (String name : new String[] {"azure", "filesystem", "memory"}) {
            DocumentStoreFactory f = Factories.find(DAEMON, DocumentStoreFactory.class, DocumentStoreFactory::name,
                    name, "DOCUMENT_STORE");
            assertThat(f.name()).isEqualTo(name);
            assertThat(Factories.builtIn(f)).isTrue();
        }
        for (String name : new String[] {"pgvector", "memory"}) {
            assertThat(Factories.find(DAEMON, ChunkStoreFactory.class, ChunkStoreFactory::name, name, "VECTOR_STORE")
                    .getClass().getName()).startsWith("dev.queueworker.ai.");
        }
        assertThat(Factories.find(DAEMON, Named.class, Named::name, "once", "X").getClass()).isEqualTo(Once.class);
    }

    @Test
    void aNameNotFoundNamesTheVariableAndListsTheNamesFound() {
        assertThatThrownBy(() -> Factories.find(DAEMON, QueueProviderFactory.class, QueueProviderFactory::name,
                "sqs", "QUEUE_PROVIDER"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("QUEUE_PROVIDER=sqs: no plugin in WORKER_PLUGINS_DIR declares a QueueProviderFactory of"
                        + " that name (built in: azure, mock)");
    }

    @Test
    void aNameTwoFactoriesDeclareIsRefusedNamingBoth() {
        assertThatThrownBy(() -> Factories.find(DAEMON, Named.class, Named::name, "twice", "VECTOR_STORE"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("VECTOR_STORE=twice: two declare it: " + First.class.getName() + " and "
                        + Second.class.getName());
    }
}
