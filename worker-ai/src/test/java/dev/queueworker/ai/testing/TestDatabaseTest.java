package dev.queueworker.ai.testing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tests find the server scripts/setup.sh started on PG_PORT, as setup prints it. */
class TestDatabaseTest {

    @Test
    void followsTheSetupScriptsPort() {
        assertThat(TestDatabase.setupUrl("55471"))
                .isEqualTo("postgresql://queueworker:queueworker@127.0.0.1:55471/queueworker_test");
    }

    @Test
    void defaultsToTheSetupScriptsDefaultPort() {
        assertThat(TestDatabase.setupUrl(null)).contains("@127.0.0.1:55432/");
        assertThat(TestDatabase.setupUrl(" ")).contains("@127.0.0.1:55432/");
    }

    @Test
    void aBadPortNamesTheVariable() {
        assertThatThrownBy(() -> TestDatabase.setupUrl("5543x")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("PG_PORT").hasMessageContaining("5543x");
    }
}
