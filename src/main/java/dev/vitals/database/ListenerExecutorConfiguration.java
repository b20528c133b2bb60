package dev.vitals.database;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The executor of asynchronous event listeners, each in a transaction of its own (audit, chat narration, sign-off inputs). Each takes a
 * database connection; with one virtual thread per delivery, a burst of deployments started hundreds
 * of listeners at once, they took every connection and commands were refused as "busy". At most
 * {@value #LISTENERS} run at once, the rest wait in order, and the pool keeps room for pipelines and
 * commands. A delivery that fails stays incomplete and is delivered again (FailedEventRedelivery).
 */
@Configuration(proxyBeanMethods = false)
class ListenerExecutorConfiguration {
    static final int LISTENERS = 16;

    @Bean(name = {"applicationTaskExecutor", "taskExecutor"})
    ThreadPoolTaskExecutor applicationTaskExecutor() {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("vitals-event-");
        executor.setCorePoolSize(LISTENERS);
        executor.setMaxPoolSize(LISTENERS);
        executor.setAllowCoreThreadTimeOut(true);
        executor.setWaitForTasksToCompleteOnShutdown(false);
        return executor;
    }
}
