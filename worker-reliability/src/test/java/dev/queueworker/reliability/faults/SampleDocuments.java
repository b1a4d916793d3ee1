package dev.queueworker.reliability.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small documents of a few KB with distinct, deterministic prose, so each splits into a handful
 * of chunks and ingests in well under a second.
 */
final class SampleDocuments {
    private static final String[] SUBJECTS = {"The harbour office", "The library", "Each ward council", "The parks team",
        "A resident", "The waste service", "The planning desk", "Every school", "The night bus", "The clinic"};
    private static final String[] VERBS = {"publishes", "reviews", "collects", "announces", "updates", "opens",
        "closes", "inspects", "funds", "schedules"};
    private static final String[] OBJECTS = {"the quarterly budget", "a permit for street stalls",
        "the winter timetable", "recycling rules for glass", "a report on flood defences",
        "the list of public holidays", "repairs to the old bridge", "a survey of cycle lanes",
        "the opening hours of the pool", "new parking zones"};
    private static final String[] TAILS = {"before the end of the month", "after a public consultation",
        "on the first Monday of each quarter", "with help from volunteers", "unless the budget is cut",
        "in every district of Southhaven", "as the charter requires", "once the auditors agree"};

    /** One document. */
    record Sample(String filename, String text, String contentType) {
    }

    private SampleDocuments() {
    }

    /** {@code count} documents named {@code <prefix>-NN.txt} (or {@code .md} for every third), about {@code bytes} each. */
    static List<Sample> generate(String prefix, int count, int bytes) {
        List<Sample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Random random = new Random(31L * i + prefix.hashCode());
            StringBuilder text = new StringBuilder();
            boolean markdown = i % 3 == 2;
            int paragraph = 0;
            while (text.length() < bytes) {
                if (markdown) {
                    text.append("## Section ").append(++paragraph).append("\n\n");
                }
                for (int s = 0; s < 4 + random.nextInt(3); s++) {
                    text.append(pick(random, SUBJECTS)).append(' ').append(pick(random, VERBS)).append(' ')
                            .append(pick(random, OBJECTS)).append(' ').append(pick(random, TAILS))
                            .append(" (notice ").append(prefix).append('-').append(i).append('.')
                            .append(random.nextInt(1000)).append("). ");
                }
                text.append("\n\n");
            }
            String name = String.format("%s-%02d.%s", prefix, i, markdown ? "md" : "txt");
            samples.add(new Sample(name, text.toString(), markdown ? "text/markdown" : "text/plain"));
        }
        return samples;
    }

    private static String pick(Random random, String[] words) {
        return words[random.nextInt(words.length)];
    }
}
