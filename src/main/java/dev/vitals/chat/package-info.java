/**
 * Chat: the {@link dev.vitals.chat.ChatPlatform} port that features post through, the one command
 * grammar, role-checked routing of commands to the feature that owns each, and the adapters (the local
 * console, Discord) in sub-packages.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Chat")
package dev.vitals.chat;
