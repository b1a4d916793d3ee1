package dev.queueworker.runner.internal.tenants;

import dev.queueworker.runner.internal.http.HttpEndpoints.Readiness;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * {@code /health/ready} of the tenants daemon: one line per client ({@code <client> ready},
 * {@code starting}, {@code draining} or {@code failed: <why>}); 200 when every client whose settings
 * are valid receives tasks (a client whose file is wrong is reported, but does not make the daemon
 * unready: nothing but its file can fix it), 503 otherwise, and 503 while none runs at all.
 * {@code ?client=X} answers for that client alone: 200 when it is ready, 503 when not, 404 when
 * DIR has no such client.
 */
final class TenantsHealth {

    private final Supplier<SortedMap<String, TenantState>> states;
    private volatile boolean draining;

    TenantsHealth(Supplier<SortedMap<String, TenantState>> states) {
        this.states = states;
    }

    /** From now on the daemon as a whole is not ready: it stops. */
    void draining() {
        draining = true;
    }

    Readiness answer(String query) {
        SortedMap<String, TenantState> now = states.get();
        String client = client(query);
        if (client != null) {
            TenantState state = now.get(client);
            if (state == null) {
                return new Readiness(404, "no client " + client + "\n");
            }
            return new Readiness(state.ready() && !draining ? 200 : 503, client + " " + state.line() + "\n");
        }
        StringBuilder body = new StringBuilder();
        boolean ready = !draining;
        boolean anyReady = false;
        for (var e : now.entrySet()) {
            TenantState state = e.getValue();
            body.append(e.getKey()).append(' ').append(state.line()).append('\n');
            anyReady |= state.ready();
            if (!state.ready() && !(state instanceof TenantState.Failed failed && failed.settings())) {
                ready = false;
            }
        }
        return new Readiness(ready && anyReady ? 200 : 503, body.toString());
    }

    private static String client(String query) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("client=")) {
                return URLDecoder.decode(pair.substring("client=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
