package dev.vitals.chat;

import java.util.Arrays;
import java.util.Objects;

/**
 * A file sent with a message, for output too long or too structured for chat text (an audit export,
 * a post-mortem draft). The content is copied in and out, so a message stays immutable.
 */
public record Attachment(String name, String contentType, byte[] content) {
    public Attachment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contentType, "contentType");
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    public int size() {
        return content.length;
    }

    // A record compares arrays by reference; two attachments with the same bytes are the same file.
    @Override
    public boolean equals(Object o) {
        return o instanceof Attachment a && name.equals(a.name) && contentType.equals(a.contentType)
                && Arrays.equals(content, a.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, contentType, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return "Attachment[" + name + ", " + contentType + ", " + content.length + " bytes]";
    }
}
