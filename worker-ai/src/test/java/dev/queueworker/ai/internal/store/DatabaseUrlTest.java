package dev.queueworker.ai.internal.store;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {
    @Test
    void parsesTheLibpqForm() {
        DatabaseUrl url = DatabaseUrl.parse(
                "postgresql://postgres.abcdef:p%40ss%2Fw%3Ard@aws-0-eu-central-1.pooler.supabase.com:5432/postgres?sslmode=require");

        assertThat(url.user()).isEqualTo("postgres.abcdef");
        assertThat(url.password()).isEqualTo("p@ss/w:rd");
        assertThat(url.host()).isEqualTo("aws-0-eu-central-1.pooler.supabase.com");
        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.database()).isEqualTo("postgres");
        assertThat(url.parameters()).isEqualTo(Map.of("sslmode", "require"));
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://aws-0-eu-central-1.pooler.supabase.com:5432/postgres");
    }

    @Test
    void postgresSchemeAndDefaultPort() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://worker:secret@db.internal/chunks");

        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.database()).isEqualTo("chunks");
        assertThat(url.password()).isEqualTo("secret");
        assertThat(url).isEqualTo(DatabaseUrl.parse("postgresql://worker:secret@db.internal:5432/chunks"));
    }

    @Test
    void anUnencodedAtOrQuestionMarkInThePasswordIsKept() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://worker:p@ss?w#rd@localhost:6543/db?sslmode=disable");

        assertThat(url.password()).isEqualTo("p@ss?w#rd");
        assertThat(url.host()).isEqualTo("localhost");
        assertThat(url.port()).isEqualTo(6543);
        assertThat(url.parameters()).containsEntry("sslmode", "disable");
    }

    @Test
    void plusIsAPlusInTheLibpqFormAndASpaceInTheJdbcForm() {
        assertThat(DatabaseUrl.parse("postgresql://u:a+b@h/db").password()).isEqualTo("a+b");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h/db?user=u&password=a+b%2Bc").password()).isEqualTo("a b+c");
    }

    @Test
    void parsesTheJdbcForm() {
        DatabaseUrl url = DatabaseUrl.parse(
                "jdbc:postgresql://127.0.0.1:55432/queueworker_test?user=queueworker&password=s%26cret&sslmode=verify-full&application_name=ingest");

        assertThat(url.user()).isEqualTo("queueworker");
        assertThat(url.password()).isEqualTo("s&cret");
        assertThat(url.host()).isEqualTo("127.0.0.1");
        assertThat(url.port()).isEqualTo(55432);
        assertThat(url.database()).isEqualTo("queueworker_test");
        assertThat(url.parameters()).isEqualTo(Map.of("sslmode", "verify-full", "ApplicationName", "ingest"));
    }

    @Test
    void ipv6Hosts() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://u:p@[::1]:5433/db");

        assertThat(url.host()).isEqualTo("::1");
        assertThat(url.port()).isEqualTo(5433);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/db");
    }

    @Test
    void aUserWithoutPassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://worker@localhost/db");

        assertThat(url.password()).isNull();
        assertThat(url.toString()).isEqualTo("postgresql://worker@localhost:5432/db");
    }

    @Test
    void toStringRedactsThePassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://worker:TopSecret99@db:5432/chunks?sslmode=require");

        assertThat(url.toString()).isEqualTo("postgresql://worker:***@db:5432/chunks?sslmode=require")
                .doesNotContain("TopSecret99");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://db/chunks?user=worker&password=TopSecret99").toString())
                .doesNotContain("TopSecret99").contains("***");
    }

    @Test
    void errorsNameTheVariableAndNeverEchoThePassword() {
        Map<String, String> cases = Map.of(
                "mysql://worker:TopSecret99@db/chunks", "must start with",
                "postgresql://worker:TopSecret99@db:99999/chunks", "port",
                "postgresql://worker:TopSecret99@db:abc/chunks", "port",
                "postgresql://worker:TopSecret99@db:5432", "names no database",
                "postgresql://db:5432/chunks?password=TopSecret99", "names no user",
                "postgresql://worker:TopSecret99%zz@db/chunks", "malformed percent-escape in its password",
                "postgresql://worker:TopSecret99@a,b/chunks", "several hosts",
                "postgresql://worker:TopSecret99@/chunks", "names no host",
                "postgresql://worker:TopSecret99@[::1/chunks", "IPv6");
        cases.forEach((value, problem) -> assertThatThrownBy(() -> DatabaseUrl.parse(value))
                .as(problem)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'databaseUrl' ")
                .hasMessageContaining(problem)
                .hasMessageNotContaining("TopSecret99"));
        for (String empty : List.of("", "   ")) {
            assertThatThrownBy(() -> DatabaseUrl.parse(empty)).hasMessage("'databaseUrl' is empty");
        }
        assertThatThrownBy(() -> DatabaseUrl.parse(null)).hasMessage("'databaseUrl' is empty");
    }
}
