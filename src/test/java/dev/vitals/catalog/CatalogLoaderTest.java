package dev.vitals.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.VitalsApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.builder.SpringApplicationBuilder;

class CatalogLoaderTest {
    @TempDir
    Path dir;

    private static final String VALID = """
            environments:
              staging: {network: vitals-staging}
            services:
              backend:
                image: vitals-demo/backend
                health: {interval: 2s}
            users:
              alice: [deployer]
            policies:
              - {environment: staging, approvals: {}}
            """;

    @Test
    void theDemoCatalogIsExactlyWhatTheContractDescribes() {
        Catalog c = CatalogLoader.load(Path.of("deploy/demo/vitals.yml"));
        assertThat(c.environments().keySet()).containsExactlyInAnyOrder("staging", "production");
        assertThat(c.environments().get("staging").network()).isEqualTo("vitals-staging");
        assertThat(c.environments().get("production").network()).isEqualTo("vitals-production");
        assertThat(c.services().get("backend").strategy()).isEqualTo(Strategy.BLUE_GREEN);
        assertThat(c.services().get("frontend").strategy()).isEqualTo(Strategy.ROLLING);
        assertThat(c.services().get("frontend").replicas()).isEqualTo(2);
        assertThat(c.user("alice").orElseThrow().roles()).contains("deployer");
        assertThat(c.user("bob").orElseThrow().roles()).contains("deployer", "approver", "devops-lead");
        assertThat(c.user("carol").orElseThrow().roles()).contains("clinical-approver");
        assertThat(c.user("dave").orElseThrow().roles()).containsExactly("viewer");
        assertThat(c.user("erin").orElseThrow().roles()).contains("incident-commander", "admin");
        assertThat(c.policy("staging", Risk.HIGH).needsApproval()).isFalse();
        assertThat(c.policy("production", Risk.MEDIUM).approvals()).isEqualTo(Map.of("approver", 1));
        assertThat(c.policy("production", Risk.LOW).approvals()).isEqualTo(Map.of("approver", 1));
        assertThat(c.policy("production", Risk.HIGH).approvals())
                .isEqualTo(Map.of("devops-lead", 1, "clinical-approver", 1));
        assertThat(c.policy("production", Risk.HIGH).maintenanceWindow()).isTrue();
        assertThat(c.defaults().risk()).isEqualTo(Risk.MEDIUM);
        assertThat(c.environments().get("production").channels())
                .isEqualTo(new Catalog.Channels("deploys", "announcements", "incidents"));
        assertThat(c.localImages()).extracting(Catalog.LocalImage::ref).containsExactlyInAnyOrder(
                "vitals-demo/backend:v1.3", "vitals-demo/backend:v1.4", "vitals-demo/backend:v1.5",
                "vitals-demo/backend:v1.6-broken", "vitals-demo/frontend:v2.0", "vitals-demo/frontend:v2.1");
        assertThat(c.localImages()).filteredOn(i -> !i.healthy()).extracting(Catalog.LocalImage::version)
                .containsExactly("v1.6-broken");
    }

    @Test
    void defaultsComeFromTheRunbooksWhenTheCatalogIsSilent() throws IOException {
        Catalog c = CatalogLoader.load(write(VALID));
        assertThat(c.defaults().approvalExpiry()).isEqualTo(Duration.ofHours(4));
        assertThat(c.defaults().requestExpiry()).isEqualTo(Duration.ofHours(24));
        assertThat(c.deploy().hotStandby()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.maintenance().reminders()).containsExactly(Duration.ofMinutes(30));
        assertThat(c.monitoring()).containsExactly(
                new Catalog.WatchPhase(Duration.ofHours(4), Duration.ofMinutes(30)),
                new Catalog.WatchPhase(Duration.ofHours(12), Duration.ofHours(1)),
                new Catalog.WatchPhase(Duration.ofHours(24), Duration.ofHours(4)));
        assertThat(c.user("alice").orElseThrow().roles()).isEqualTo(Set.of("viewer", "deployer"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad duration        | 'interval: 2s'          | 'interval: soon'         | services.backend.health.interval: expected a duration such as 500ms
            typo in a key       | 'health: {interval: 2s}' | 'helth: {interval: 2s}'  | services.backend.helth: unknown key; expected one of
            unknown strategy    | 'health: {interval: 2s}' | 'strategy: canary'       | services.backend.strategy: expected one of blue-green, rolling, recreate, got 'canary'
            unknown role        | '[deployer]'            | '[deployer, wizard]'     | users.alice[1]: unknown role 'wizard'
            tag in image        | 'image: vitals-demo/backend' | 'image: vitals-demo/backend:v1' | services.backend.image: expected an image repository without a tag
            """)
    void anInvalidCatalogIsRefusedNamingTheFileThePathAndTheExpectation(String name, String from, String to,
                                                                        String expected) throws IOException {
        Path file = write(VALID.replace(from, to));
        assertThatThrownBy(() -> CatalogLoader.load(file))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(file.toString() + ": ")
                .hasMessageContaining(expected);
    }

    @Test
    void aMissingFileSaysHowToPointAtOne() {
        assertThatThrownBy(() -> CatalogLoader.load(dir.resolve("nope.yml")))
                .hasMessageContaining("file not found").hasMessageContaining("VITALS_CATALOG");
    }

    @Test
    void brokenYamlNamesTheLine() throws IOException {
        Path file = write("environments:\n  staging: {network: [\n");
        assertThatThrownBy(() -> CatalogLoader.load(file)).hasMessageContaining("line ").hasMessageContaining("not valid YAML");
    }

    @Test
    void vitalsRefusesToStartWithABrokenCatalogAndSaysWhy() throws IOException {
        Path file = write(VALID.replace("interval: 2s", "interval: soon"));
        assertThatThrownBy(() -> new SpringApplicationBuilder(VitalsApplication.class)
                .run("--vitals.catalog=" + file, "--server.port=0",
                        "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none"))
                .hasRootCauseInstanceOf(CatalogException.class)
                .rootCause().hasMessageContaining(file.toString())
                .hasMessageContaining("services.backend.health.interval")
                .hasMessageContaining("expected a duration");
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("vitals.yml");
        Files.writeString(file, yaml);
        return file;
    }
}
