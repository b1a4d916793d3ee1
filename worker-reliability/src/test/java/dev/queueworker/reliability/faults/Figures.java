package dev.queueworker.reliability.faults;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figure a scenario reports, as one line {@code FIGURE <scenario> key=value ...} on standard
 * output, which docs/reliability.md's table is filled from.
 */
final class Figures {
    private final String scenario;
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Figures(String scenario) {
        this.scenario = scenario;
    }

    static Figures of(String scenario) {
        return new Figures(scenario);
    }

    Figures put(String key, Object value) {
        values.put(key, value);
        return this;
    }

    /** Prints the line (also when the test fails afterwards: call it before the final assertions when useful). */
    void print() {
        System.out.println("FIGURE " + scenario + " " + values.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
    }
}
