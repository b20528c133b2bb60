package dev.vitals.approval;

import dev.vitals.catalog.Catalog;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.SignOffGate;
import org.springframework.stereotype.Component;

/** A deployment needs sign-off when its environment × risk policy in the catalog asks for approvals. */
@Component
class CatalogSignOffGate implements SignOffGate {
    private final Catalog catalog;

    CatalogSignOffGate(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public boolean required(Deployment deployment) {
        return deployment.kind() == Deployment.Kind.DEPLOY
                && catalog.policy(deployment.environment(), deployment.risk()).needsApproval();
    }
}
