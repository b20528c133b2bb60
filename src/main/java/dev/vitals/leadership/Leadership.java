package dev.vitals.leadership;

/**
 * Which role this Vitals process holds among the processes that share its database. Only the active
 * one starts pipelines, runs timers and reconciles; a standby serves reads and health, and takes over
 * when the active one dies. The role can change at any moment: ask right before acting.
 */
public interface Leadership {

    enum Role {
        ACTIVE, STANDBY;

        /** The role as people and health checks read it: {@code active} or {@code standby}. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    boolean isActive();

    default Role role() {
        return isActive() ? Role.ACTIVE : Role.STANDBY;
    }
}
