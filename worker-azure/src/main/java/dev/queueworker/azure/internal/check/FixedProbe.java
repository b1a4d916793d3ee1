package dev.queueworker.azure.internal.check;

import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.ProbeResult;

/** A probe whose result is known before it runs: the settings are unusable, so nothing is reached. */
record FixedProbe(String name, ProbeResult result) implements ConnectivityProbe {

    @Override
    public ProbeResult probe() {
        return result;
    }
}
