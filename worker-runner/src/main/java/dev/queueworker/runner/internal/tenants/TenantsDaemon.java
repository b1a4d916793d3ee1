package dev.queueworker.runner.internal.tenants;

import dev.queueworker.runner.internal.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The clients of {@code run --tenants DIR}: starts each one, applies a reload of DIR (new files start
 * a client, removed ones drain theirs, changed ones drain and restart theirs, the others are not
 * touched) and drains them all at stop. Its methods are called from one thread (the command's).
 */
final class TenantsDaemon {

    private static final Logger log = LoggerFactory.getLogger("dev.queueworker.runner.tenants");

    private final Path dir;
    private final Map<String, String> environment;
    private final Tenant.Shared shared;
    private final Map<String, Member> members = new TreeMap<>();
    private final List<Tenant> leaving = new ArrayList<>();
    private DaemonVariables daemon;

    /** A client as last read: its settings and, when they are valid, what runs it. */
    private record Member(ClientSettings settings, Tenant tenant) {
        TenantState state() {
            return settings instanceof ClientSettings.Invalid invalid
                    ? new TenantState.Failed(invalid.why(), true) : tenant.state();
        }
    }

    TenantsDaemon(Path dir, Map<String, String> environment, DaemonVariables daemon, Tenant.Shared shared) {
        this.dir = dir;
        this.environment = Map.copyOf(environment);
        this.daemon = daemon;
        this.shared = shared;
    }

    /** Starts every client of {@code read}. */
    synchronized void start(TenantsDirectory read) {
        read.warnings().forEach(w -> log.warn("Tenants: {}", w));
        read.clients().forEach((client, settings) -> members.put(client, begin(settings, null, "starting")));
    }

    /** Reads DIR again and applies what changed; a DIR that can no longer be read changes nothing. */
    synchronized void reload() {
        TenantsDirectory read;
        try {
            read = TenantsDirectory.read(dir, environment);
        } catch (ConfigException | java.io.UncheckedIOException e) {
            log.warn("Tenants: reload refused, nothing changed: {}", e.getMessage());
            return;
        }
        read.warnings().forEach(w -> log.warn("Tenants: {}", w));
        for (String name : new TreeSet<>(union(daemon.values(), read.daemon().values()))) {
            if (!Objects.equals(daemon.values().get(name), read.daemon().values().get(name))) {
                log.warn("Tenants: {} changed: it takes effect when the daemon restarts", name);
            }
        }
        List<String> clients = new ArrayList<>(new TreeSet<>(union(members, read.clients())));
        for (String client : clients) {
            Member old = members.get(client);
            ClientSettings now = read.clients().get(client);
            if (now == null) {
                try (MDC.MDCCloseable c = MDC.putCloseable("client_id", client)) {
                    log.info("Tenants: client {} removed: {}", client, old.tenant() == null ? "it was not running"
                            : "draining");
                }
                members.remove(client);
                retire(old);
            } else if (old == null) {
                members.put(client, begin(now, null, "added"));
            } else if (!old.settings().fingerprint().equals(now.fingerprint())) {
                members.put(client, begin(now, old, "changed: draining, then restarting"));
            } else if (old.state() instanceof TenantState.Failed failed && !failed.settings()) {
                members.put(client, begin(now, old, "failed before: trying again"));
            }
        }
        leaving.removeIf(t -> t.state() instanceof TenantState.Stopped || t.state() instanceof TenantState.Failed);
    }

    /** Drains every client at once and waits for all (each within its own WORKER_SHUTDOWN_TIMEOUT). */
    void stop(Duration patience) throws InterruptedException {
        List<Tenant> all;
        synchronized (this) {
            all = new ArrayList<>(leaving);
            members.values().stream().map(Member::tenant).filter(Objects::nonNull).forEach(all::add);
        }
        all.forEach(Tenant::stop);
        for (Tenant t : all) {
            if (!t.awaitStopped(patience)) {
                log.warn("Tenants: client {} did not stop within {}", t.client(), patience);
            }
        }
    }

    /** Each client's state, by client id. */
    synchronized SortedMap<String, TenantState> states() {
        SortedMap<String, TenantState> states = new TreeMap<>();
        members.forEach((client, m) -> states.put(client, m.state()));
        return states;
    }

    /** What runs {@code client} now, or null (for tests: an unchanged client keeps its Tenant over a reload). */
    synchronized Tenant running(String client) {
        Member m = members.get(client);
        return m == null ? null : m.tenant();
    }

    /** Starts {@code settings}' client after draining {@code old} (its former self, or null); logs {@code how}. */
    private Member begin(ClientSettings settings, Member old, String how) {
        try (MDC.MDCCloseable c = MDC.putCloseable("client_id", settings.client())) {
            if (old != null) {
                log.info("Tenants: client {} {} ({})", settings.client(), how, settings.file());
            }
            Tenant predecessor = old == null ? null : retire(old);
            if (settings instanceof ClientSettings.Invalid invalid) {
                log.error("Tenants: client {} stopped: {}", settings.client(), invalid.why());
                return new Member(settings, null);
            }
            ClientSettings.Valid valid = (ClientSettings.Valid) settings;
            if (old == null) {
                log.info("Tenants: client {} {} ({})", settings.client(), how, settings.file());
            }
            valid.config().unknownInEnvFile().forEach(name -> log.warn(
                    "Tenants: client {}: {} in {} is not a queue-worker variable (a typo?)", settings.client(), name,
                    settings.file()));
            return new Member(settings, Tenant.start(settings.client(), valid.config(), shared, predecessor));
        }
    }

    /** Drains {@code old}'s client, if it runs; returns it so that its successor starts after it. */
    private Tenant retire(Member old) {
        if (old.tenant() == null) {
            return null;
        }
        old.tenant().stop();
        leaving.add(old.tenant());
        return old.tenant();
    }

    private static <K> List<K> union(Map<K, ?> a, Map<K, ?> b) {
        Map<K, Boolean> keys = new LinkedHashMap<>();
        a.keySet().forEach(k -> keys.put(k, true));
        b.keySet().forEach(k -> keys.put(k, true));
        return new ArrayList<>(keys.keySet());
    }
}
