package dev.queueworker.ai.internal.check;

/**
 * What one probe of a list found that a later one compares with: the embedding model's dimension,
 * and the table row the database probe read while it was connected. Written by one probe's thread,
 * read by a later one's: volatile.
 */
public final class ProbeFindings {

    private volatile Integer modelDimension;
    private volatile dev.queueworker.api.ProbeResult table;

    void modelDimension(int dimension) {
        this.modelDimension = dimension;
    }

    Integer modelDimension() {
        return modelDimension;
    }

    void table(dev.queueworker.api.ProbeResult result) {
        this.table = result;
    }

    dev.queueworker.api.ProbeResult table() {
        return table;
    }
}
