package dev.vitals.chat;

import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings chat reads: {@code vitals.zone} ({@code VITALS_ZONE}, UTC), the zone of times typed in
 * commands ({@code at:02:00}), and {@code vitals.chat.coalesce} (2 s), how long thread lines and card
 * edits are gathered before one post or edit.
 */
@ConfigurationProperties("vitals")
record ChatProperties(@DefaultValue("UTC") ZoneId zone, @DefaultValue Chat chat) {

    record Chat(@DefaultValue("2s") Duration coalesce) {
    }
}
