package dev.vitals.deploy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Calls that do not depend on each other, made side by side on virtual threads: the engine calls one decision
 * needs, or a record written while the engine acts. Whoever needs them waits for the slowest instead of for
 * all of them in a row. Each call has its own timeout (the engine's, the database's), so {@link #join} always
 * returns; it hands back what the call threw, unwrapped.
 */
final class SideBySide {
    private static final Executor VIRTUAL = work -> Thread.ofVirtual().name("vitals-engine-call").start(work);

    private SideBySide() {
    }

    static <T> CompletableFuture<T> start(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, VIRTUAL);
    }

    static <T> T join(CompletableFuture<T> call) {
        try {
            return call.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
