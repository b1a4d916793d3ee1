package dev.queueworker.runner.internal.tenants;

import org.slf4j.LoggerFactory;

/** SIGHUP ({@code systemctl reload}: {@code ExecReload=/bin/kill -HUP $MAINPID}) as a reload request. */
final class ReloadSignal {

    private ReloadSignal() {
    }

    /** Makes SIGHUP run {@code reload} instead of ending the JVM; where SIGHUP is not available, nothing. */
    static void install(Runnable reload) {
        try {
            sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload.run());
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                // Started with SIGHUP ignored (nohup): the JVM keeps it ignored and installs nothing.
                LoggerFactory.getLogger("dev.queueworker.runner").warn("Tenants: SIGHUP is ignored in this"
                        + " process (started under nohup?): a changed DIR takes effect on restart; under systemd"
                        + " 'systemctl reload' works");
            }
        } catch (IllegalArgumentException e) {
            // Not on this platform, or reserved by the JVM's options (-Xrs): reload then needs a restart.
            LoggerFactory.getLogger("dev.queueworker.runner").warn("Tenants: SIGHUP cannot be handled here ({}):"
                    + " a changed DIR takes effect on restart", e.getMessage());
        }
    }
}
