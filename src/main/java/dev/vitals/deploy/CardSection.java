package dev.vitals.deploy;

import dev.vitals.chat.Button;
import java.util.List;

/**
 * A part of a deployment card that another feature keeps (e.g. who signed off and the buttons to sign).
 * The card is composed in one place, {@code DeploymentChat}; a section only supplies its lines and its
 * buttons (placed before the card's Cancel button), read from that feature's own records.
 */
public interface CardSection {

    List<String> lines(Deployment deployment);

    List<Button> buttons(Deployment deployment);
}
