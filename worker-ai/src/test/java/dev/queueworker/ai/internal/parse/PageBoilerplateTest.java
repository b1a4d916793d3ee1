package dev.queueworker.ai.internal.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PageBoilerplateTest {

    /** {@code pages} pages of the given lines, each page's lines built by {@code page}. */
    private static String pages(int pages, java.util.function.IntFunction<List<String>> page) {
        List<String> texts = new ArrayList<>();
        for (int p = 1; p <= pages; p++) {
            texts.add(String.join("\n", page.apply(p)) + "\n");
        }
        return String.join(String.valueOf(PageBoilerplate.PAGE_BREAK), texts);
    }

    private static List<String> body(int page) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            lines.add("Body sentence " + i + " of page " + page + " says something of its own about item " + (page * 10 + i) + ".");
        }
        return lines;
    }

    private static List<String> withFurniture(int page, int pages) {
        List<String> lines = new ArrayList<>();
        lines.add("Northwind Logistics   Employee Handbook 2026");
        lines.add("CONFIDENTIAL - internal use only");
        lines.add("");
        lines.addAll(body(page));
        lines.add("Page " + page + " of " + pages);
        return lines;
    }

    @Test
    void headersFootersAndPageNumbersOnEveryPageGoAndTheBodyStays() {
        String text = pages(6, p -> withFurniture(p, 6));

        PageBoilerplate.Stripped stripped = PageBoilerplate.strip(text);

        assertThat(stripped.text()).doesNotContain("Northwind", "CONFIDENTIAL", "Page ", "\f");
        assertThat(stripped.linesRemoved()).isEqualTo(18);
        for (int p = 1; p <= 6; p++) {
            assertThat(stripped.text()).contains(String.join("\n", body(p)));
        }
    }

    @Test
    void twoAndThreePageDocumentsLoseWhatIsOnTheEdgeOfEveryPage() {
        assertThat(PageBoilerplate.strip(pages(2, p -> withFurniture(p, 2))).text()).doesNotContain("Northwind", "Page ");
        assertThat(PageBoilerplate.strip(pages(3, p -> withFurniture(p, 3))).text()).doesNotContain("Northwind", "Page ");
        // on two of three pages only: kept
        String text = pages(3, p -> p == 3 ? body(p) : withFurniture(p, 3));
        assertThat(PageBoilerplate.strip(text).text()).contains("Northwind", "Page 1 of 3", "Page 2 of 3");
    }

    @Test
    void aOnePageDocumentIsLeftAsItIs() {
        String text = String.join("\n", withFurniture(1, 1));
        assertThat(PageBoilerplate.strip(text).text()).isEqualTo(text);
        String withTrailingBreak = text + "\n\f";
        PageBoilerplate.Stripped stripped = PageBoilerplate.strip(withTrailingBreak);
        assertThat(stripped.linesRemoved()).isZero();
        assertThat(stripped.text()).contains("Northwind", "Page 1 of 1");
    }

    @Test
    void contentRepeatedOnceOrTwiceStaysEvenOnTheEdgeOfAPage() {
        String fact = "Every parcel over twenty kilograms needs two people to lift it.";
        String text = pages(10, p -> {
            List<String> lines = new ArrayList<>(body(p));
            if (p == 2 || p == 5 || p == 9) {
                lines.add(0, fact); // three times, first line of the page
            }
            return lines;
        });
        PageBoilerplate.Stripped stripped = PageBoilerplate.strip(text);
        assertThat(stripped.linesRemoved()).isZero();
        assertThat(stripped.text().split(fact, -1)).hasSize(4);
    }

    @Test
    void aRunningLineInTheMiddleOfAPageStays() {
        String text = pages(8, p -> {
            List<String> lines = new ArrayList<>(body(p));
            lines.add(3, "Safety first."); // every page, but never near its top or bottom
            lines.add(0, "- " + p + " -");
            return lines;
        });
        PageBoilerplate.Stripped stripped = PageBoilerplate.strip(text);
        assertThat(stripped.text().split("Safety first\\.", -1)).hasSize(9);
        assertThat(stripped.text()).doesNotContain("- 3 -");
        assertThat(stripped.linesRemoved()).isEqualTo(8);
    }

    @Test
    void runningTitlesThatAlternateBetweenOddAndEvenPagesGo() {
        String text = pages(10, p -> {
            List<String> lines = new ArrayList<>(body(p));
            lines.add(0, p % 2 == 0 ? "Annual Report 2026" : "Chapter 2: Operations");
            lines.add(String.valueOf(p));
            return lines;
        });
        String stripped = PageBoilerplate.strip(text).text();
        assertThat(stripped).doesNotContain("Annual Report", "Chapter 2").doesNotContainPattern("(?m)^\\d+$");
        assertThat(stripped).contains("item 101.", "item 46.");
    }

    @Test
    void aSentenceOnTheEdgeOfEveryPageIsKeptWhereItFirstOccurs() {
        String notice = "This handbook is confidential and meant for Northwind staff only.";
        String text = pages(6, p -> {
            List<String> lines = new ArrayList<>(body(p));
            lines.add(0, notice);
            lines.add(0, "Northwind Handbook");
            return lines;
        });
        PageBoilerplate.Stripped stripped = PageBoilerplate.strip(text);
        assertThat(stripped.text().split(notice, -1)).hasSize(2);
        assertThat(stripped.text()).startsWith(notice + "\n").doesNotContain("Northwind Handbook");
        assertThat(stripped.linesRemoved()).isEqualTo(11);
    }

    @Test
    void tableRowsThatDifferOnlyInTheirFiguresStay() {
        long[] amounts = {412, 87, 1290, 55, 730, 318, 96, 2044};
        String text = pages(8, p -> {
            List<String> lines = new ArrayList<>(body(p));
            lines.add(0, "Payment received " + amounts[p - 1] + ".00"); // same shape on every page, no counter
            lines.add("Balance carried forward " + amounts[8 - p] + ".00");
            return lines;
        });
        PageBoilerplate.Stripped stripped = PageBoilerplate.strip(text);
        assertThat(stripped.linesRemoved()).isZero();
        assertThat(stripped.text()).contains("Payment received 1290.00", "Balance carried forward 2044.00");
    }

    @Test
    void theShareNeededGrowsWithTheDocumentButNeverBelowFourPages() {
        assertThat(PageBoilerplate.requiredPages(1)).isEqualTo(Integer.MAX_VALUE);
        assertThat(PageBoilerplate.requiredPages(2)).isEqualTo(2);
        assertThat(PageBoilerplate.requiredPages(3)).isEqualTo(3);
        assertThat(PageBoilerplate.requiredPages(4)).isEqualTo(4);
        assertThat(PageBoilerplate.requiredPages(10)).isEqualTo(4);
        assertThat(PageBoilerplate.requiredPages(11)).isEqualTo(5);
        assertThat(PageBoilerplate.requiredPages(100)).isEqualTo(40);
    }

    @Test
    void keysIgnoreCaseSpacingAndTheDigitsOfANumber() {
        assertThat(PageBoilerplate.key("  Page 3 of 12 ")).isEqualTo(PageBoilerplate.key("page 11\tof 12"))
                .isEqualTo("page 0 of 0");
        assertThat(PageBoilerplate.key("Printed 2026-03-01")).isEqualTo("printed 0-0-0");
    }

    @Test
    void stripLinesRemovesTheLinesOfAWordHeaderAndFooterWhereverTheyAre() {
        String text = "ACME Handbook - Confidential\nFirst body line.\nPage  of 3\nSecond body line.\nPage  of 3\n";
        PageBoilerplate.Stripped stripped = PageBoilerplate.stripLines(text,
                Set.of(PageBoilerplate.key("ACME Handbook - Confidential"), PageBoilerplate.key("Page  of 3")));
        assertThat(stripped.text()).isEqualTo("First body line.\nSecond body line.\n\n");
        assertThat(stripped.linesRemoved()).isEqualTo(3);
        assertThat(PageBoilerplate.stripLines(text, Set.of()).text()).isSameAs(text);
    }
}
