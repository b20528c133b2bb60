package dev.vitals.chat.discord;

import java.util.ArrayList;
import java.util.List;

/** Cuts text into pieces Discord accepts, at line boundaries; only a single over-long line is cut inside. */
final class MessageSplitter {
    private MessageSplitter() {
    }

    static List<String> split(String text, int max) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            while (line.length() > max) {
                if (!current.isEmpty()) {
                    parts.add(current.toString());
                    current.setLength(0);
                }
                int cut = max;
                if (Character.isHighSurrogate(line.charAt(cut - 1))) {
                    cut--;
                }
                parts.add(line.substring(0, cut));
                line = line.substring(cut);
            }
            int added = current.isEmpty() ? line.length() : current.length() + 1 + line.length();
            if (added > max) {
                parts.add(current.toString());
                current.setLength(0);
            }
            if (!current.isEmpty()) {
                current.append('\n');
            }
            current.append(line);
        }
        if (!current.isEmpty() || parts.isEmpty()) {
            parts.add(current.toString());
        }
        return parts;
    }
}
