package dev.vitals.chat;

/**
 * One object per command: the feature that owns a command implements this for its command type and
 * is found by the dispatcher by that type. Handlers are called after the caller's roles were checked.
 */
public interface CommandHandler<C extends Command> {
    Class<C> type();

    Reply handle(C command, Caller caller, Origin origin);
}
