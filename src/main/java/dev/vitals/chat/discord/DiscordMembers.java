package dev.vitals.chat.discord;

import dev.vitals.catalog.Catalog;
import dev.vitals.chat.Caller;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Role;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * Who a Discord member is to Vitals: their user name, and the catalog roles their Discord roles carry
 * (by role id or role name, from the catalog's {@code roles:} and the settings). Everyone is a viewer.
 * Roles are read from JDA's member cache, which the gateway keeps current as roles change.
 */
@Component
@Conditional(DiscordConfigured.class)
class DiscordMembers {
    private final Map<String, List<String>> mapping = new LinkedHashMap<>();

    DiscordMembers(Catalog catalog, DiscordSettings settings) {
        catalog.roles().forEach((role, m) -> mapping.computeIfAbsent(role, r -> new ArrayList<>()).addAll(m.discordRoles()));
        settings.roles().forEach((role, discord) -> mapping.computeIfAbsent(role, r -> new ArrayList<>()).addAll(discord));
    }

    Caller caller(Member member) {
        Set<String> roles = new TreeSet<>();
        roles.add("viewer");
        for (Role r : member.getRoles()) {
            mapping.forEach((role, discord) -> {
                for (String d : discord) {
                    if (d.equals(r.getId()) || d.toLowerCase(Locale.ROOT).equals(r.getName().toLowerCase(Locale.ROOT))) {
                        roles.add(role);
                    }
                }
            });
        }
        return new Caller(member.getUser().getName(), roles);
    }
}
