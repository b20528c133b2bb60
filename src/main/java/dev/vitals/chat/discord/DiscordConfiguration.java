package dev.vitals.chat.discord;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@Conditional(DiscordConfigured.class)
@EnableConfigurationProperties(DiscordSettings.class)
class DiscordConfiguration {
}
