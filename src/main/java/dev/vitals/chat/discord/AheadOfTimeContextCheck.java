package dev.vitals.chat.discord;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The ahead-of-time context ({@code -Dspring.aot.enabled=true}, how {@code demo.sh} starts the jar) is
 * prepared by the build, which decides there whether Discord is on: it is built for the local console. A
 * start with Discord configured on that context would quietly talk to the console instead; it stops and says
 * how to start.
 */
@Component
class AheadOfTimeContextCheck {
    AheadOfTimeContextCheck(Environment environment, ListableBeanFactory beans) {
        if (AotDetector.useGeneratedArtifacts() && DiscordConfigured.configured(environment)
                && beans.getBeanNamesForType(DiscordChatPlatform.class).length == 0) {
            throw new IllegalStateException("Discord is configured (DISCORD_TOKEN and VITALS_DISCORD_GUILD), but this "
                    + "start uses the ahead-of-time context the build prepared for the local console. Start Vitals "
                    + "without -Dspring.aot.enabled=true (java -jar vitals.jar), as deploy/systemd/vitals.service does.");
        }
    }
}
