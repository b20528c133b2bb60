package dev.vitals.chat.console;

import dev.vitals.catalog.Catalog;
import dev.vitals.chat.Caller;
import dev.vitals.chat.ChatInbound;
import dev.vitals.chat.MessageRef;
import dev.vitals.chat.Origin;
import dev.vitals.chat.Suggestions;
import dev.vitals.chat.ThreadRef;
import dev.vitals.chat.console.ConsoleStore.StoredAttachment;
import dev.vitals.chat.console.ConsoleStore.StoredMessage;
import jakarta.servlet.http.HttpServletRequest;
import dev.vitals.leadership.Leadership;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.util.UriUtils;

/** The local console's JSON API: a person acts as one of the catalog's users. */
@RestController
@RequestMapping("/console/api")
class ConsoleController {
    private static final Logger log = LoggerFactory.getLogger(ConsoleController.class);
    private static final int MAX_TEXT = 4000;

    private final ConsoleStore store;
    private final ConsoleChatPlatform platform;
    private final ChatInbound inbound;
    private final Catalog catalog;
    private final Leadership leadership;
    private final ConsoleChanges changes;
    private final ConsoleCompletion completion;
    // Commands run off the request thread: the console answers at once, as Discord's ack does.
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();

    ConsoleController(ConsoleStore store, ConsoleChatPlatform platform, ChatInbound inbound, Catalog catalog,
                      Leadership leadership, ConsoleChanges changes, ConsoleCompletion completion) {
        this.changes = changes;
        this.completion = completion;
        this.store = store;
        this.platform = platform;
        this.inbound = inbound;
        this.catalog = catalog;
        this.leadership = leadership;
    }

    record PostMessage(String user, String channel, String text, String threadId) {
    }

    record Created(String id) {
    }

    record ReactionBody(String user, String messageId, String emoji) {
    }

    record ClickBody(String user, String messageId, String button) {
    }

    record ComponentView(String id, String label) {
    }

    record ReactionView(String emoji, List<String> users) {
    }

    record AttachmentView(String name, String contentType, long size, String url) {
    }

    record MessageView(String id, String channel, String threadId, String author, String text,
                       List<ComponentView> components, List<ReactionView> reactions, Instant createdAt,
                       Instant editedAt, List<AttachmentView> attachments, String visibleTo, String replyTo) {
    }

    record UserView(String name, List<String> roles) {
    }

    record Problem(String error) {
    }

    static final class ConsoleProblem extends RuntimeException {
        final HttpStatus status;

        ConsoleProblem(HttpStatus status, String message) {
            super(message);
            this.status = status;
        }
    }

    @PostMapping("/messages")
    @ResponseStatus(HttpStatus.CREATED)
    Created post(@RequestBody PostMessage body, HttpServletRequest request) {
        Caller caller = caller(body == null ? null : body.user(), request);
        String text = required(body.text(), "text");
        if (text.length() > MAX_TEXT) {
            throw bad("text is " + text.length() + " characters; at most " + MAX_TEXT);
        }
        String channel;
        Long thread = null;
        if (body.threadId() != null && !body.threadId().isBlank()) {
            StoredMessage opener = message(body.threadId());
            if (opener.openedThread() == null) {
                throw bad("message " + body.threadId() + " has no thread; threadId must be the id of a thread");
            }
            thread = opener.openedThread();
            channel = opener.channel();
        } else {
            channel = required(body.channel(), "channel");
            if (!platform.channels().contains(channel)) {
                throw bad("unknown channel '" + channel + "'; channels: " + String.join(", ", platform.channels()));
            }
        }
        long id = store.insert(channel, thread, caller.name(), text, List.of());
        if (text.startsWith("/")) {
            Origin origin = new Origin(channel, thread == null ? null : thread.toString());
            work.submit(() -> {
                try {
                    inbound.command(caller, origin, text, reply ->
                            platform.reply(origin, caller.name(), reply.privately(), reply.message(), id));
                } catch (RuntimeException e) {
                    log.error("Console command failed: {}", text, e);
                }
            });
        } else if (thread != null) {
            ThreadRef where = new ThreadRef(thread.toString(), channel);
            work.submit(() -> {
                try {
                    inbound.threadMessage(caller, where, text);
                } catch (RuntimeException e) {
                    log.error("Console thread message could not be handed on", e);
                }
            });
        }
        return new Created(Long.toString(id));
    }

    /** {@code user}: whose private messages to include as well (with console tokens: the caller's own). */
    @GetMapping("/messages")
    List<MessageView> messages(@RequestParam(required = false) String channel,
                               @RequestParam(required = false) String threadId,
                               @RequestParam(required = false) String after,
                               @RequestParam(required = false) String user, HttpServletRequest request) {
        long afterId = after == null || after.isBlank() ? 0 : number(after, "after");
        String viewer = viewer(user, request);
        List<StoredMessage> found;
        if (threadId != null && !threadId.isBlank()) {
            found = store.inThread(number(threadId, "threadId"), afterId, viewer);
        } else if (channel != null && !channel.isBlank()) {
            found = store.inChannel(channel, afterId, viewer);
        } else {
            throw bad("give channel=<name> or threadId=<id>");
        }
        return found.stream().map(ConsoleController::view).toList();
    }

    @GetMapping("/attachments/{messageId}/{name}")
    ResponseEntity<byte[]> attachment(@PathVariable String messageId, @PathVariable String name,
                                      @RequestParam(required = false) String user, HttpServletRequest request) {
        String viewer = viewer(user, request);
        long id = number(messageId, "messageId");
        // A private message's files are as private as its text.
        StoredAttachment file = store.find(id).filter(m -> m.seenBy(viewer))
                .flatMap(m -> store.attachment(id, name))
                .orElseThrow(() -> new ConsoleProblem(HttpStatus.NOT_FOUND, "message " + messageId
                        + " has no attachment '" + name + "'"));
        MediaType type;
        try {
            type = MediaType.parseMediaType(file.contentType());
        } catch (InvalidMediaTypeException e) {
            type = MediaType.APPLICATION_OCTET_STREAM;
        }
        // Served as a download and never sniffed, so a file can never run as a page on the console's origin.
        return ResponseEntity.ok().contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(file.name(), StandardCharsets.UTF_8).build().toString())
                .header("X-Content-Type-Options", "nosniff")
                .body(file.content());
    }

    @PostMapping("/reactions")
    ResponseEntity<Void> react(@RequestBody ReactionBody body, HttpServletRequest request) {
        return reaction(body, true, request);
    }

    @DeleteMapping("/reactions")
    ResponseEntity<Void> unreact(@RequestBody ReactionBody body, HttpServletRequest request) {
        return reaction(body, false, request);
    }

    private ResponseEntity<Void> reaction(ReactionBody body, boolean add, HttpServletRequest request) {
        Caller caller = caller(body == null ? null : body.user(), request);
        refuseOnStandby();
        StoredMessage m = message(required(body.messageId(), "messageId"));
        String emoji = required(body.emoji(), "emoji");
        if (emoji.length() > 16 || emoji.codePoints().anyMatch(Character::isISOControl)) {
            throw bad("emoji must be a single emoji such as ✅ or ❌");
        }
        boolean changed = add ? store.addReaction(m.id(), emoji, caller.name())
                : store.removeReaction(m.id(), emoji, caller.name());
        if (changed) {
            inbound.reaction(caller, ref(m), emoji, add);
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/clicks")
    ResponseEntity<Void> click(@RequestBody ClickBody body, HttpServletRequest request) {
        Caller caller = caller(body == null ? null : body.user(), request);
        refuseOnStandby();
        StoredMessage m = message(required(body.messageId(), "messageId"));
        String button = required(body.button(), "button");
        if (m.buttons().stream().noneMatch(b -> b.id().equals(button))) {
            throw bad("message " + m.id() + " has no button '" + button + "'; its buttons: "
                    + String.join(", ", m.buttons().stream().map(ConsoleStore.ConsoleButton::id).toList()));
        }
        inbound.click(caller, ref(m), button);
        return ResponseEntity.noContent().build();
    }

    /** Server-sent events saying only that something changed; the page then reads again (see {@link ConsoleChanges}). */
    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events() {
        return changes.open();
    }

    /** Whole command lines completing {@code text}: what the command box offers while someone types. */
    @GetMapping("/completions")
    List<Suggestions.Suggestion> completions(@RequestParam(defaultValue = "") String text) {
        return completion.complete(text.length() > MAX_TEXT ? "" : text);
    }

    @GetMapping("/users")
    List<UserView> users() {
        return catalog.users().values().stream()
                .map(u -> new UserView(u.name(), u.roles().stream().sorted().toList()))
                .toList();
    }

    @ExceptionHandler(ConsoleCompletion.Unavailable.class)
    ResponseEntity<Problem> completionUnavailable(ConsoleCompletion.Unavailable e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1")
                .body(new Problem(e.getMessage()));
    }

    @ExceptionHandler(ConsoleProblem.class)
    ResponseEntity<Problem> problem(ConsoleProblem e) {
        return ResponseEntity.status(e.status).body(new Problem(e.getMessage()));
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, MissingServletRequestParameterException.class,
            MethodArgumentTypeMismatchException.class})
    ResponseEntity<Problem> malformed(Exception e) {
        return ResponseEntity.badRequest().body(new Problem("malformed request: expected a JSON body such as "
                + "{\"user\":\"alice\",\"channel\":\"deploys\",\"text\":\"/status\"}"));
    }

    /**
     * The user a request acts as. With console tokens that is the token's user: naming another is
     * refused, and leaving the name out means oneself. Without them (loopback only) the named user.
     */
    private Caller caller(String named, HttpServletRequest request) {
        Principal signedIn = request.getUserPrincipal();
        if (signedIn != null && named != null && !named.isBlank() && !named.equals(signedIn.getName())) {
            throw new ConsoleProblem(HttpStatus.FORBIDDEN, "Your console token is " + signedIn.getName()
                    + "'s; you may act only as " + signedIn.getName() + ".");
        }
        String user = signedIn != null ? signedIn.getName() : named;
        if (user == null || user.isBlank()) {
            throw bad("user is required: one of " + String.join(", ", catalog.users().keySet()));
        }
        return catalog.user(user)
                .map(u -> new Caller(u.name(), u.roles()))
                .orElseThrow(() -> new ConsoleProblem(HttpStatus.FORBIDDEN, "unknown user '" + user
                        + "'; the catalog's users are " + String.join(", ", catalog.users().keySet())));
    }

    /** Whose private messages a read includes: the signed-in user, or the named one; null for nobody's. */
    private String viewer(String user, HttpServletRequest request) {
        if (request.getUserPrincipal() == null && (user == null || user.isBlank())) {
            return null;
        }
        return caller(user, request).name();
    }

    /** A sign-off here would change state, which only the active process does; it is refused, not stored. */
    private void refuseOnStandby() {
        if (!leadership.isActive()) {
            throw new ConsoleProblem(HttpStatus.CONFLICT, "this Vitals process is the standby (read-only): reactions"
                    + " and buttons count only on the active Vitals process of this database; nothing was recorded");
        }
    }

    private StoredMessage message(String id) {
        return store.find(number(id, "messageId"))
                .orElseThrow(() -> new ConsoleProblem(HttpStatus.NOT_FOUND, "no message " + id));
    }

    private static MessageRef ref(StoredMessage m) {
        return new MessageRef(Long.toString(m.id()), m.channel(), m.inThread() == null ? null : m.inThread().toString());
    }

    private static MessageView view(StoredMessage m) {
        return new MessageView(Long.toString(m.id()), m.channel(), m.threadId() == null ? null : m.threadId().toString(),
                m.author(), m.text(), m.buttons().stream().map(b -> new ComponentView(b.id(), b.label())).toList(),
                m.reactions().stream().map(r -> new ReactionView(r.emoji(), r.users())).toList(), m.createdAt(),
                m.editedAt(), m.attachments().stream().map(a -> new AttachmentView(a.name(), a.contentType(), a.size(),
                        "/console/api/attachments/" + m.id() + "/" + UriUtils.encodePathSegment(a.name(),
                                StandardCharsets.UTF_8) + (m.visibleTo() == null ? "" : "?user="
                                + UriUtils.encodeQueryParam(m.visibleTo(), StandardCharsets.UTF_8)))).toList(),
                m.visibleTo(), m.replyTo() == null ? null : m.replyTo().toString());
    }

    private static long number(String s, String what) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw bad(what + " must be a message id (a number), got '" + s + "'");
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw bad(field + " is required");
        }
        return value;
    }

    private static ConsoleProblem bad(String message) {
        return new ConsoleProblem(HttpStatus.BAD_REQUEST, message);
    }

}
