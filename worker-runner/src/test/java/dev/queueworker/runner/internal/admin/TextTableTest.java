package dev.queueworker.runner.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void pads_columns_to_the_widest_cell_and_aligns_notes_with_the_last_column() {
        String table = new TextTable("CHECK", "RESULT", "DETAIL")
                .row("queue", "OK", "southhaven-tasks: about 3 messages")
                .row("poison queue", "FAIL", "connection refused")
                .note("hint: is Azurite running?")
                .render();

        assertThat(table).isEqualTo(""
                + "CHECK         RESULT  DETAIL\n"
                + "queue         OK      southhaven-tasks: about 3 messages\n"
                + "poison queue  FAIL    connection refused\n"
                + "                      hint: is Azurite running?\n");
    }

    @Test
    void keeps_each_cell_on_one_line_and_leaves_no_trailing_spaces() {
        String table = new TextTable("A", "B").row("x\ny", "").row("z").render();

        assertThat(table).isEqualTo("A    B\nx y\nz\n");
        assertThat(table.lines()).allSatisfy(line -> assertThat(line).doesNotEndWith(" "));
    }

    @Test
    void refuses_rows_wider_than_the_table_and_notes_without_a_row() {
        assertThatThrownBy(() -> new TextTable("A").row("1", "2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TextTable("A").note("n")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void truncates_with_an_ellipsis() {
        assertThat(TextTable.truncate("abcdef", 4)).isEqualTo("abc…");
        assertThat(TextTable.truncate("abcd", 4)).isEqualTo("abcd");
        assertThat(TextTable.truncate("a\nb", 10)).isEqualTo("a b");
    }
}
