package dev.vitals.incident;

import dev.vitals.chat.ThreadMessagePosted;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/** What people write in an incident's thread goes into its timeline, as chat hands it over (redacted, inert). */
@Component
class ThreadTimeline {
    private final Incidents incidents;

    ThreadTimeline(Incidents incidents) {
        this.incidents = incidents;
    }

    @ApplicationModuleListener
    void on(ThreadMessagePosted e) {
        incidents.said(e.thread().id(), e.thread().channel(), e.author(), e.text(), e.at());
    }
}
