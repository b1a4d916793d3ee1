package dev.queueworker.api;

import java.util.List;

/**
 * A factory's second face: the {@link ConnectivityProbe}s that check the service its products
 * connect to. A {@link QueueProviderFactory} or {@link DocumentStoreFactory} that also implements
 * this interface is checked by a host's health report (the daemon's {@code queue-worker check})
 * with the same {@link ProviderSettings} it would be created from, found by the same
 * {@code ServiceLoader} lookup by name; one that does not is reported as not checked.
 *
 * <pre>{@code
 * public final class SqsQueueProviderFactory implements QueueProviderFactory, ProbeFactory {
 *     public List<ConnectivityProbe> probes(ProviderSettings settings) {
 *         return List.of(new SqsQueueProbe(settings.option("QUEUE_URL").orElseThrow()));
 *     }
 *     ...
 * }
 * }</pre>
 */
public interface ProbeFactory {

    /**
     * The probes of the service {@code settings} point at, in the order to run them. Creates nothing
     * and connects to nothing: each probe reaches the service when called. Options that are missing
     * or wrong are reported by a probe's {@link ProbeResult}, not thrown.
     */
    List<ConnectivityProbe> probes(ProviderSettings settings);
}
