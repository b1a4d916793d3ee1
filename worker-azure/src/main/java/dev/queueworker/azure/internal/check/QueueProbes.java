package dev.queueworker.azure.internal.check;

import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.ProbeResult;
import dev.queueworker.api.ProviderSettings;
import dev.queueworker.azure.AzurePoisonQueue;
import dev.queueworker.azure.AzureProbes;
import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.azure.internal.AzureQueueProviderFactory;
import java.util.List;

/**
 * The {@code queue} and {@code poison queue} probes: whether each queue exists, and its approximate
 * depth. The poison queue is not asked when the queue probe found Azure Storage not answering (or
 * did not finish), so a stopped Azurite costs one deadline, not two.
 */
public final class QueueProbes {

    private QueueProbes() {
    }

    /** The two probes of {@code settings}' queues, in order. */
    public static List<ConnectivityProbe> of(ProviderSettings settings) {
        boolean local = AzureFailures.local(settings);
        AzureQueueProvider provider;
        try {
            provider = AzureQueueProviderFactory.builder(settings).createQueues(false).maxTries(1)
                    .tryTimeout(AzureProbes.TRY_TIMEOUT).build();
        } catch (RuntimeException e) {
            return List.of(new FixedProbe("queue", ProbeResult.fail(AzureFailures.detail(e),
                            AzureFailures.hint(e, local))),
                    new FixedProbe("poison queue", ProbeResult.skip("the queue settings are unusable")));
        }
        Answered answered = new Answered();
        return List.of(new TaskQueueProbe(provider, local, answered),
                new PoisonQueueProbe(provider.poisonQueue(), local, answered));
    }

    private static String count(long n) {
        return n + (n == 1 ? " message" : " messages");
    }

    /** Whether Azure Storage answered the queue probe: written by its thread, read by the poison probe's. */
    private static final class Answered {
        volatile boolean value;
    }

    private record TaskQueueProbe(AzureQueueProvider provider, boolean local, Answered answered)
            implements ConnectivityProbe {

        @Override
        public String name() {
            return "queue";
        }

        @Override
        public ProbeResult probe() {
            try {
                if (!provider.exists()) {
                    answered.value = true;
                    return ProbeResult.ok(provider.queueName() + " does not exist yet; run creates it");
                }
                long depth = provider.approximateDepth();
                answered.value = true;
                return ProbeResult.ok(provider.queueName() + ": about " + count(depth));
            } catch (RuntimeException e) {
                answered.value = !AzureFailures.unreachable(e);
                return ProbeResult.fail(AzureFailures.detail(e), AzureFailures.hint(e, local));
            }
        }

        @Override
        public String timeoutHint() {
            return AzureFailures.timeoutHint(local);
        }
    }

    private record PoisonQueueProbe(AzurePoisonQueue poison, boolean local, Answered answered)
            implements ConnectivityProbe {

        @Override
        public String name() {
            return "poison queue";
        }

        @Override
        public ProbeResult probe() {
            if (!answered.value) {
                return ProbeResult.skip("Azure Storage does not answer (see queue)");
            }
            try {
                if (!poison.exists()) {
                    return ProbeResult.ok(poison.name() + " does not exist yet; run creates it");
                }
                long depth = poison.approximateDepth();
                return ProbeResult.ok(poison.name() + ": about " + count(depth)
                        + (depth > 0 ? " (see: queue-worker poison list)" : ""));
            } catch (RuntimeException e) {
                return ProbeResult.fail(AzureFailures.detail(e), AzureFailures.hint(e, local));
            }
        }

        @Override
        public String timeoutHint() {
            return AzureFailures.timeoutHint(local);
        }
    }
}
