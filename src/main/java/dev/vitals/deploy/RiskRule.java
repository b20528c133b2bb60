package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.RiskFloor;
import dev.vitals.catalog.Risk;

/**
 * The risk a deployment runs at: what the requester asked for, never below the catalog's floor for the
 * service and environment (its {@code min-risk}, or high for a service with a migration hook); without
 * an explicit {@code risk:}, the floor or the catalog's default, whichever is higher.
 */
final class RiskRule {
    private RiskRule() {
    }

    static Risk effective(Catalog catalog, String service, String environment, Risk asked) {
        RiskFloor floor = catalog.riskFloor(service, environment);
        if (asked == null) {
            return max(floor.risk(), catalog.defaults().risk());
        }
        if (asked.compareTo(floor.risk()) < 0) {
            throw new DeploymentRefused("risk:" + asked.word() + " is below the floor for " + service + " in "
                    + environment + ", which is " + floor.risk().word() + ": " + floor.why() + ". Ask for risk:"
                    + floor.risk().word() + " (or higher), or leave risk: out to take " + floor.risk().word()
                    + ". Nothing was requested.");
        }
        return asked;
    }

    /** Why a deploy without {@code risk:} runs above the catalog's default; empty when it does not. */
    static String raisedBecause(Catalog catalog, String service, String environment, Risk effective) {
        RiskFloor floor = catalog.riskFloor(service, environment);
        return effective.compareTo(catalog.defaults().risk()) > 0 && floor.risk() == effective && floor.why() != null
                ? floor.why() : "";
    }

    private static Risk max(Risk a, Risk b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
