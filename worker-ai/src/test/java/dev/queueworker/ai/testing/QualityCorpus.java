package dev.queueworker.ai.testing;

import dev.queueworker.ai.testing.PagedDocuments.Furniture;
import java.util.ArrayList;
import java.util.List;

/**
 * The documents of issue 18's measurements: a handbook and board minutes whose sections restate their
 * key facts, printed with a header and footer on every page (as PDF and as Word), and a policy without
 * any as the control (PDF and Word). Each content line is one sentence, found whole in the text.
 */
public final class QualityCorpus {
    /** A document of the corpus: its name, bytes, content sentences and the marks of its furniture. */
    public record Doc(String name, byte[] bytes, List<String> sentences, List<String> furnitureMarks) {
    }

    static final List<String> HANDBOOK_KEY_FACTS = List.of(
            "Employees may work remotely up to three days per week with their manager's approval.",
            "Every incident on the warehouse floor is reported to the shift lead within one hour.");

    static final String[][] HANDBOOK = {
        {"Working hours",
            "The standard working week at Northwind is thirty-seven and a half hours.",
            "Core hours run from ten in the morning until three in the afternoon.",
            "Overtime must be agreed in writing before it is worked.",
            "Night shifts in the warehouse start at ten in the evening and end at six.",
            "Time is recorded in the attendance system at the start and the end of each shift."},
        {"Leave",
            "Full-time staff receive twenty-eight days of paid annual leave, including bank holidays.",
            "Leave requests for more than five days need four weeks of notice.",
            "Up to five unused days may be carried over into the first quarter of the next year.",
            "Parents can take two weeks of paid leave after the birth or adoption of a child.",
            "Sick leave is reported to the manager by phone before the shift begins."},
        {"Expenses",
            "Travel expenses are claimed through the finance portal within thirty days.",
            "Receipts are required for every item above fifteen pounds.",
            "Rail travel is booked in standard class unless the journey exceeds four hours.",
            "The daily meal allowance on business trips is thirty-five pounds.",
            "Mileage in a private car is refunded at forty-five pence per mile."},
        {"Safety",
            "Steel-toe boots and high-visibility vests are worn at all times on the loading dock.",
            "Forklifts are driven only by staff who hold a current licence.",
            "Fire exits are checked every Monday by the facilities team.",
            "Parcels heavier than twenty-five kilograms are lifted by two people.",
            "First aid kits are kept next to every loading bay and refilled monthly."},
        {"Equipment",
            "New staff receive a laptop, a headset and a security badge on their first day.",
            "Broken equipment is returned to the IT desk on the second floor.",
            "Personal software may not be installed on company laptops.",
            "Mobile phones for drivers are replaced every three years.",
            "Lost badges are reported to reception so they can be blocked at once."},
        {"Security",
            "Company data stays on company devices and remote connections use the VPN.",
            "Passwords are at least fourteen characters long and never shared.",
            "Visitors sign in at reception and wear a visitor badge in the building.",
            "Suspicious emails are forwarded to the security team without clicking any links.",
            "Printed customer records are shredded at the end of each working day."},
    };

    static final List<String> MINUTES_KEY_FACTS = List.of(
            "The board approved the purchase of twelve electric delivery vans for the northern depot.",
            "The new route planning system goes live on the first of June.");

    static final String[][] MINUTES = {
        {"Attendance",
            "Eight of the nine directors attended and the chair opened the meeting at nine.",
            "The finance director joined by video from the Leeds office.",
            "Apologies were received from the director of customer service."},
        {"Finance",
            "Revenue for the first quarter rose by eleven percent compared with last year.",
            "Fuel costs fell by six percent after the switch to the new supplier.",
            "The auditors will present the annual accounts at the June meeting.",
            "A budget of two hundred thousand pounds was set aside for depot repairs."},
        {"Operations",
            "On-time delivery reached ninety-six percent in March, the best month on record.",
            "The Sheffield depot will extend its opening hours to cover Saturday mornings.",
            "Customer complaints about damaged parcels halved since the new packaging was introduced.",
            "Two additional loading bays will be built at the southern warehouse this summer."},
        {"People",
            "Staff turnover in the warehouses dropped to nine percent over the last twelve months.",
            "A mentoring scheme for new drivers starts in the autumn.",
            "The staff survey will run for three weeks in May."},
        {"Any other business",
            "The charity fun run raised four thousand pounds for the local hospice.",
            "The next meeting takes place on the fourteenth of June at the head office."},
    };

    static final String[][] POLICY = {
        {"Purpose",
            "This policy explains how Northwind handles personal data about customers and staff.",
            "It applies to every employee, contractor and agency worker of the company."},
        {"Collection",
            "Only the personal data needed to deliver a parcel is collected from customers.",
            "Delivery addresses are kept for twelve months after the last order.",
            "Phone numbers are used to arrange deliveries and never for marketing without consent."},
        {"Access",
            "Customer records can be opened only by staff who need them for their work.",
            "Every access to a customer record is logged and the log is kept for two years.",
            "Managers review the list of people with access at the start of each quarter."},
        {"Requests",
            "Customers may ask for a copy of their data and receive it within one month.",
            "A request to delete data is completed within thirty days unless the law requires otherwise.",
            "Requests are sent to the data protection officer at the head office."},
        {"Breaches",
            "A suspected data breach is reported to the data protection officer immediately.",
            "The regulator is told about a serious breach within seventy-two hours.",
            "Customers affected by a breach are contacted by letter and by email."},
    };

    private QualityCorpus() {
    }

    /** The five documents: two with furniture and restated facts in two formats, and two controls. */
    public static List<Doc> documents() {
        Furniture handbookFurniture = new Furniture(
                List.of("Northwind Logistics - Employee Handbook 2026", "CONFIDENTIAL - for internal use only"),
                List.of("Page {page} of {pages}", "Printed 2026-03-01 from the HR portal"));
        Furniture minutesFurniture = new Furniture(List.of("Board Minutes - March 2026"), List.of("- {page} -"));
        List<String> handbookMarks = List.of("Employee Handbook 2026", "CONFIDENTIAL", "Page \\d* ?of \\d+",
                "Printed 2026");
        List<String> minutesMarks = List.of("Board Minutes - March 2026", "(?m)^- \\d+ -$");

        List<String> handbook = body(HANDBOOK, HANDBOOK_KEY_FACTS);
        List<String> minutes = body(MINUTES, MINUTES_KEY_FACTS);
        List<String> policy = body(POLICY, List.of());
        return List.of(
                new Doc("handbook.pdf", PagedDocuments.pdf(pages(handbook, 11), handbookFurniture),
                        sentences(handbook), handbookMarks),
                new Doc("handbook.docx", PagedDocuments.docx(pages(handbook, 11), handbookFurniture),
                        sentences(handbook), handbookMarks),
                new Doc("minutes.pdf", PagedDocuments.pdf(pages(minutes, 8), minutesFurniture),
                        sentences(minutes), minutesMarks),
                new Doc("policy.pdf", PagedDocuments.pdf(pages(policy, 6), Furniture.NONE), sentences(policy), List.of()),
                new Doc("policy.docx", PagedDocuments.docx(pages(policy, 6), Furniture.NONE), sentences(policy),
                        List.of()));
    }

    /** Sections: a heading, the key facts restated, the section's own sentences, a blank line. */
    private static List<String> body(String[][] sections, List<String> keyFacts) {
        List<String> lines = new ArrayList<>();
        for (String[] section : sections) {
            lines.add(section[0]);
            lines.addAll(keyFacts);
            lines.addAll(List.of(section).subList(1, section.length));
            lines.add("");
        }
        return lines;
    }

    private static List<String> sentences(List<String> lines) {
        return lines.stream().filter(line -> line.endsWith(".")).distinct().toList();
    }

    private static List<List<String>> pages(List<String> lines, int perPage) {
        List<List<String>> pages = new ArrayList<>();
        for (int from = 0; from < lines.size(); from += perPage) {
            pages.add(lines.subList(from, Math.min(lines.size(), from + perPage)));
        }
        return pages;
    }
}
