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
        assertThat(c.user("bob").orElseThrow().roles()).contains("deployer", "approver", "devops-lead", "maintainer",
                "on-call");
        assertThat(c.incidents().onCall()).isEqualTo("on-call");
        assertThat(c.incidents().target(Severity.P0)).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.incidents().target(Severity.P3)).isEqualTo(Duration.ofHours(24));
        assertThat(c.incidents().after("on-call")).contains("incident-commander");
        assertThat(c.incidents().openOnFailure()).containsExactly("production");
        assertThat(c.incidents().alertSeverities()).containsEntry("critical", Severity.P1);
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
                "vitals-demo/backend:v1.6-broken", "vitals-demo/frontend:v2.0", "vitals-demo/frontend:v2.1",
                "vitals-demo/maintenance-page:v1");
        assertThat(c.localImages()).filteredOn(Catalog.LocalImage::maintenancePage).extracting(Catalog.LocalImage::ref)
                .containsExactly("vitals-demo/maintenance-page:v1");
        assertThat(c.services().get("backend").maintenancePage())
                .contains(new Catalog.MaintenancePage("vitals-demo/maintenance-page:v1", 8080));
        assertThat(c.services().get("frontend").maintenancePage()).isEmpty();
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
        assertThat(c.maintenance().maxDuration()).isEqualTo(Duration.ofHours(12));
        assertThat(c.monitoring()).containsExactly(
                new Catalog.WatchPhase(Duration.ofHours(4), Duration.ofMinutes(30)),
                new Catalog.WatchPhase(Duration.ofHours(12), Duration.ofHours(1)),
                new Catalog.WatchPhase(Duration.ofHours(24), Duration.ofHours(4)));
        assertThat(c.user("alice").orElseThrow().roles()).isEqualTo(Set.of("viewer", "deployer"));
    }

    @Test
    void incidentSettingsAreReadAndAnUnknownSeverityOrRoleIsRefused() throws IOException {
        Catalog c = CatalogLoader.load(write(VALID + "incidents: {targets: {P0: 5m}, escalation: [on-call, admin],"
                + " alertmanager: {severities: {page: P0}}}\n"));
        assertThat(c.incidents().target(Severity.P0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.incidents().target(Severity.P1)).isEqualTo(Duration.ofHours(1));
        assertThat(c.incidents().after("on-call")).contains("admin");
        assertThat(c.incidents().alertSeverities()).containsExactly(Map.entry("page", Severity.P0));
        assertThatThrownBy(() -> CatalogLoader.load(write(VALID + "incidents: {targets: {P9: 1m}}\n")))
                .hasMessageContaining("incidents.targets.P9").hasMessageContaining("P0, P1, P2 or P3");
        assertThatThrownBy(() -> CatalogLoader.load(write(VALID + "incidents: {escalation: [on-call, wizard]}\n")))
                .hasMessageContaining("unknown role 'wizard'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad duration        | 'interval: 2s'          | 'interval: soon'         | services.backend.health.interval: expected a duration such as 500ms
            typo in a key       | 'health: {interval: 2s}' | 'helth: {interval: 2s}'  | services.backend.helth: unknown key; expected one of
            unknown strategy    | 'health: {interval: 2s}' | 'strategy: canary'       | services.backend.strategy: expected one of blue-green, rolling, recreate, got 'canary'
            unknown role        | '[deployer]'            | '[deployer, wizard]'     | users.alice[1]: unknown role 'wizard'
            tag in image        | 'image: vitals-demo/backend' | 'image: vitals-demo/backend:v1' | services.backend.image: expected an image repository without a tag
            memory without unit | 'health: {interval: 2s}' | 'resources: {memory: 512}' | services.backend.resources.memory: expected a memory size such as 256m or 2g (a whole number with unit b, k, m or g; at least 6m), got '512'
            memory unit unknown | 'health: {interval: 2s}' | 'resources: {memory: 1t}' | services.backend.resources.memory: expected a memory size such as 256m or 2g
            no cpus             | 'health: {interval: 2s}' | 'resources: {cpus: 0}'   | services.backend.resources.cpus: expected a number of CPU cores from 0.01 to 1024 such as 0.5 or 2, got '0'
            cpus as a word      | 'health: {interval: 2s}' | 'resources: {cpus: many}' | services.backend.resources.cpus: expected a number of CPU cores
            no pids             | 'health: {interval: 2s}' | 'resources: {pids: 0}'   | services.backend.resources.pids: expected a whole number from 1 to 4194304, got '0'
            typo in resources   | 'health: {interval: 2s}' | 'resources: {mem: 1g}'   | services.backend.resources.mem: unknown key; expected one of cpus, memory, pids
            plain tcp elsewhere | '{network: vitals-staging}' | '{network: vitals-staging, engine: "tcp://10.0.0.5:2375"}' | environments.staging.engine: plain TCP to 'tcp://10.0.0.5:2375' is unencrypted and unauthenticated
            plain tcp by name   | '{network: vitals-staging}' | '{network: vitals-staging, engine: {host: "tcp://docker.example.org:2375"}}' | environments.staging.engine.host: plain TCP to 'tcp://docker.example.org:2375'
            tls on a socket     | '{network: vitals-staging}' | '{network: vitals-staging, engine: {host: "unix:///var/run/docker.sock", insecure: true}}' | environments.staging.engine: tls and insecure apply only to tcp:// engines
            tls without key     | '{network: vitals-staging}' | '{network: vitals-staging, engine: {host: "tcp://10.0.0.5:2376", tls: {ca: ca.pem, cert: cert.pem}}}' | environments.staging.engine.tls.ca: no readable file at
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

    @Test
    void theDemoCatalogHasExactlyOnePolicyForEveryEnvironmentAndRiskAndNoRollbackSignOff() {
        Catalog c = CatalogLoader.load(Path.of("deploy/demo/vitals.yml"));
        for (String env : c.environments().keySet()) {
            for (Risk risk : Risk.values()) {
                assertThat(c.policies()).filteredOn(p -> p.environment().equals(env) && p.risks().contains(risk))
                        .as(env + " × " + risk).hasSize(1);
            }
            assertThat(c.rollbackPolicy(env).needsApproval()).isFalse();
        }
        assertThat(c.riskFloor("backend", "production").risk()).isEqualTo(Risk.LOW);
    }

    @Test
    void anEnvironmentAndRiskWithoutAPolicyIsRefusedNamingThem() throws IOException {
        Path file = write(VALID.replace("- {environment: staging, approvals: {}}",
                "- {environment: staging, risk: [low, medium], approvals: {}}"));
        assertThatThrownBy(() -> CatalogLoader.load(file))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(file + ": policies: no policy for staging × high.")
                .hasMessageContaining("exactly one policy")
                .hasMessageContaining("approvals: {}");
    }

    @Test
    void aCatalogWithoutPoliciesIsRefusedNamingEveryEnvironmentAndRisk() throws IOException {
        Path file = write(VALID.replace("""
                policies:
                  - {environment: staging, approvals: {}}
                """, ""));
        assertThatThrownBy(() -> CatalogLoader.load(file))
                .hasMessageStartingWith(file + ": policies: no policy for staging × low, staging × medium, staging × high.");
    }

    @Test
    void overlappingPoliciesAreRefusedNamingBothEntries() throws IOException {
        Path file = write(VALID.replace("- {environment: staging, approvals: {}}", """
                - {environment: staging, risk: [low, medium], approvals: {}}
                  - {environment: staging, risk: [medium, high], approvals: {approver: 1}}"""));
        assertThatThrownBy(() -> CatalogLoader.load(file))
                .hasMessageStartingWith(file + ": policies: more than one policy for staging × medium"
                        + " (policies[0], policies[1]).");
    }

    @Test
    void aPolicyWithoutApprovalsIsRefusedSayingToWriteTheEmptyOne() throws IOException {
        Path file = write(VALID.replace("- {environment: staging, approvals: {}}", "- {environment: staging}"));
        assertThatThrownBy(() -> CatalogLoader.load(file))
                .hasMessageStartingWith(file + ": policies[0].approvals: is required")
                .hasMessageContaining("write approvals: {} when it needs none");
    }

    @Test
    void envValuesStayExactlyTheTextThatWasWritten() throws IOException {
        Catalog c = CatalogLoader.load(write(VALID.replace("health: {interval: 2s}", """
                health: {interval: 2s}
                    env:
                      PIN: 0123
                      DEBUG: on
                      ENABLED: yes
                      OFF: False
                      SINCE: 2024-01-15
                      RATIO: 1.50
                      OCTAL: 0o17
                      BIG: 12345678901234567890
                      QUOTED: "0123"
                      EMPTY: ""
                    labels: {team: 007, night: off}
                    hooks:
                      smoke: {command: [sh, -c, "true"], env: {WHEN: 2024-01-15T10:00:00Z, RETRIES: 010}}""")));
        Catalog.Service backend = c.services().get("backend");
        assertThat(backend.env()).containsExactly(Map.entry("PIN", "0123"), Map.entry("DEBUG", "on"),
                Map.entry("ENABLED", "yes"), Map.entry("OFF", "False"), Map.entry("SINCE", "2024-01-15"),
                Map.entry("RATIO", "1.50"), Map.entry("OCTAL", "0o17"), Map.entry("BIG", "12345678901234567890"),
                Map.entry("QUOTED", "0123"), Map.entry("EMPTY", ""));
        assertThat(backend.labels()).containsExactly(Map.entry("team", "007"), Map.entry("night", "off"));
        assertThat(backend.hooks().smoke().orElseThrow().env())
                .containsExactly(Map.entry("WHEN", "2024-01-15T10:00:00Z"), Map.entry("RETRIES", "010"));
    }

    @Test
    void anEnvValueThatYamlReadsAsNoneIsRefusedRatherThanGuessed() throws IOException {
        Path file = write(VALID.replace("health: {interval: 2s}", "health: {interval: 2s}\n    env: {TOKEN: ~}"));
        assertThatThrownBy(() -> CatalogLoader.load(file))
                .hasMessageStartingWith(file + ": services.backend.env.TOKEN: has no value");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            yes is no boolean (YAML 1.2)  | 'healthy: yes'   | local-images[0].healthy: expected true or false, got 'yes'
            on is no boolean (YAML 1.2)   | 'healthy: on'    | local-images[0].healthy: expected true or false, got 'on'
            a quoted true is text         | 'healthy: "true"'| local-images[0].healthy: expected true or false, got 'true'
            """)
    void onlyYaml12CoreBooleansAreBooleans(String name, String healthy, String expected) throws IOException {
        Path file = write(VALID + "local-images:\n  - {image: \"vitals-demo/backend:v1.3\", " + healthy + "}\n");
        assertThatThrownBy(() -> CatalogLoader.load(file)).hasMessageContaining(expected);
    }

    @Test
    void yaml12CoreBooleansAndIntegersAreRead() throws IOException {
        Catalog c = CatalogLoader.load(write(VALID.replace("health: {interval: 2s}",
                "health: {interval: 2s, retries: 0x0A}\n    strategy: rolling\n    replicas: 0o3")
                + "local-images:\n  - {image: \"vitals-demo/backend:v1.3\", healthy: False}\n"));
        assertThat(c.services().get("backend").replicas()).isEqualTo(3);
        assertThat(c.services().get("backend").health().retries()).isEqualTo(10);
        assertThat(c.localImages().getFirst().healthy()).isFalse();
    }

    @Test
    void aDuplicateKeyIsRefusedNamingTheLine() throws IOException {
        Path file = write(VALID.replace("image: vitals-demo/backend", "image: vitals-demo/backend\n    image: other"));
        assertThatThrownBy(() -> CatalogLoader.load(file))
                .hasMessageStartingWith(file + ": line 6: ")
                .hasMessageContaining("duplicate key 'image'");
    }

    @Test
    void riskFloorsComeFromTheEnvironmentTheServiceAndAMigrationHook() throws IOException {
        Catalog c = CatalogLoader.load(write("""
                environments:
                  staging: {}
                  production: {min-risk: medium}
                services:
                  backend: {image: vitals-demo/backend}
                  schema: {image: vitals-demo/schema, hooks: {migration: {command: [migrate]}}}
                  declared: {image: vitals-demo/declared, min-risk: low, hooks: {migration: {command: [migrate]}}}
                  careful: {image: vitals-demo/careful, min-risk: high}
                policies:
                  - {environment: staging, approvals: {}}
                  - {environment: production, approvals: {approver: 1}}
                """));
        assertThat(c.riskFloor("backend", "staging")).isEqualTo(new Catalog.RiskFloor(Risk.LOW, null));
        assertThat(c.riskFloor("backend", "production"))
                .isEqualTo(new Catalog.RiskFloor(Risk.MEDIUM, "production sets min-risk: medium"));
        assertThat(c.riskFloor("schema", "staging").risk()).isEqualTo(Risk.HIGH);
        assertThat(c.riskFloor("schema", "staging").why()).contains("schema has a migration hook")
                .contains("schema changes are high-risk");
        assertThat(c.riskFloor("declared", "staging")).isEqualTo(new Catalog.RiskFloor(Risk.LOW,
                "declared sets min-risk: low"));
        assertThat(c.riskFloor("declared", "production").risk()).isEqualTo(Risk.MEDIUM);
        assertThat(c.riskFloor("careful", "production"))
                .isEqualTo(new Catalog.RiskFloor(Risk.HIGH, "careful sets min-risk: high"));
    }

    @Test
    void anEnvironmentMayAskSignOffForRollbacks() throws IOException {
        Catalog c = CatalogLoader.load(write(VALID.replace("staging: {network: vitals-staging}",
                "staging: {network: vitals-staging, rollback: {approvals: {devops-lead: 1}}}")));
        assertThat(c.rollbackPolicy("staging").approvals()).isEqualTo(Map.of("devops-lead", 1));
        assertThat(c.rollbackPolicy("staging").needsApproval()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            rollback without approvals | 'rollback: {}'                          | environments.staging.rollback.approvals: is required
            rollback with unknown role | 'rollback: {approvals: {wizard: 1}}'    | environments.staging.rollback.approvals.wizard: unknown role 'wizard'
            unknown min-risk           | 'min-risk: extreme'                      | environments.staging.min-risk: expected one of low, medium, high, got 'extreme'
            """)
    void invalidRiskAndRollbackSettingsAreRefused(String name, String setting, String expected) throws IOException {
        Path file = write(VALID.replace("staging: {network: vitals-staging}",
                "staging: {network: vitals-staging, " + setting + "}"));
        assertThatThrownBy(() -> CatalogLoader.load(file)).hasMessageStartingWith(file + ": ")
                .hasMessageContaining(expected);
    }

    @Test
    void vitalsRefusesToStartWhenAnEnvironmentAndRiskHasNoPolicy() throws IOException {
        Path file = write(VALID.replace("- {environment: staging, approvals: {}}",
                "- {environment: staging, risk: low, approvals: {}}"));
        assertThatThrownBy(() -> new SpringApplicationBuilder(VitalsApplication.class)
                .run("--vitals.catalog=" + file, "--server.port=0",
                        "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none"))
                .hasRootCauseInstanceOf(CatalogException.class)
                .rootCause().hasMessageContaining(file.toString())
                .hasMessageContaining("policies: no policy for staging × medium, staging × high");
    }

    @Test
    void everyServiceGetsSafeResourceLimitsUnlessTheCatalogSaysOtherwise() throws IOException {
        // given a catalog that says nothing about resources
        Catalog silent = CatalogLoader.load(write(VALID));
        // then its services run within the safe defaults: 512 MiB, one core, 256 processes
        assertThat(silent.services().get("backend").resources())
                .isEqualTo(new Catalog.Resources(512L * 1024 * 1024, 1.0, 256))
                .isEqualTo(Catalog.Resources.SAFE_DEFAULTS);

        // given catalog-wide defaults and a service that overrides part of them
        Catalog c = CatalogLoader.load(write(VALID.replace("users:", """
                  frontend:
                    image: vitals-demo/frontend
                    resources: {memory: 2g, pids: 1000}
                defaults:
                  resources: {memory: 256m, cpus: 0.5, pids: 64}
                users:""")));
        // then the service's own values win, the catalog's defaults fill in the rest
        assertThat(c.services().get("backend").resources()).isEqualTo(new Catalog.Resources(256L << 20, 0.5, 64));
        assertThat(c.services().get("frontend").resources()).isEqualTo(new Catalog.Resources(2L << 30, 0.5, 1000));
    }

    @Test
    void aPlainTcpEngineIsAcceptedOnlyOnLoopbackOrWhenMarkedInsecure() throws IOException {
        Catalog c = CatalogLoader.load(write(VALID.replace("staging: {network: vitals-staging}", """
                staging: {network: vitals-staging, engine: "tcp://127.0.0.1:2375"}
                  lab: {engine: {host: "tcp://[::1]:2375"}}
                  edge: {engine: {host: "tcp://10.0.0.7:2375", insecure: true}}""")
                .replace("  - {environment: staging, approvals: {}}", """
                  - {environment: staging, approvals: {}}
                  - {environment: lab, approvals: {}}
                  - {environment: edge, approvals: {}}""")));
        assertThat(c.environments().get("staging").engine())
                .isEqualTo(new Catalog.EngineEndpoint("tcp://127.0.0.1:2375", java.util.Optional.empty()));
        assertThat(c.environments().get("lab").engine().tls()).isEmpty();
        assertThat(c.environments().get("edge").engine().host()).isEqualTo("tcp://10.0.0.7:2375");
        assertThat(c.environments().get("edge").engine().tls()).isEmpty();
    }

    @Test
    void aTcpEngineWithTlsTakesItsCertificatesFromPathsNextToTheCatalog() throws IOException {
        // given the three PEM files beside the catalog, named relative to it
        Path certs = Files.createDirectories(dir.resolve("docker-prod"));
        for (String f : new String[] {"ca.pem", "cert.pem", "key.pem"}) {
            Files.writeString(certs.resolve(f), "-----BEGIN CERTIFICATE-----\n");
        }
        Catalog c = CatalogLoader.load(write(VALID.replace("staging: {network: vitals-staging}", """
                staging:
                    engine:
                      host: tcp://10.0.0.5:2376
                      tls: {ca: docker-prod/ca.pem, cert: docker-prod/cert.pem, key: %s}""".formatted(certs.resolve("key.pem")))));
        assertThat(c.environments().get("staging").engine().tls()).contains(new Catalog.EngineTls(
                certs.resolve("ca.pem"), certs.resolve("cert.pem"), certs.resolve("key.pem")));
    }

    @Test
    void aTlsEngineWithAMissingCertificateOrMarkedInsecureTooIsRefusedNamingTheFile() throws IOException {
        Files.writeString(dir.resolve("ca.pem"), "x");
        Files.writeString(dir.resolve("cert.pem"), "x");
        String engine = "staging: {engine: {host: \"tcp://10.0.0.5:2376\", tls: {ca: ca.pem, cert: cert.pem, key: %s}%s}}";
        Path missingKey = write(VALID.replace("staging: {network: vitals-staging}", engine.formatted("nokey.pem", "")));
        assertThatThrownBy(() -> CatalogLoader.load(missingKey))
                .hasMessage(missingKey + ": environments.staging.engine.tls.key: no readable file at "
                        + dir.resolve("nokey.pem") + "; expected the private key of that client certificate (a PEM file)");
        Files.writeString(dir.resolve("key.pem"), "x");
        Path both = write(VALID.replace("staging: {network: vitals-staging}", engine.formatted("key.pem", ", insecure: true")));
        assertThatThrownBy(() -> CatalogLoader.load(both))
                .hasMessageContaining("environments.staging.engine.insecure: contradicts tls");
    }

    @Test
    void vitalsRefusesToStartWithAPlainTcpEngineOffLoopbackAndSaysHowToFixIt() throws IOException {
        Path file = write(VALID.replace("staging: {network: vitals-staging}",
                "staging: {engine: \"tcp://192.168.10.20:2375\"}"));
        assertThatThrownBy(() -> new SpringApplicationBuilder(VitalsApplication.class)
                .run("--vitals.catalog=" + file, "--server.port=0",
                        "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none"))
                .hasRootCauseInstanceOf(CatalogException.class)
                .rootCause().hasMessageContaining(file + ": environments.staging.engine: plain TCP to"
                        + " 'tcp://192.168.10.20:2375' is unencrypted and unauthenticated")
                .hasMessageContaining("tls: {ca: ca.pem, cert: cert.pem, key: key.pem}")
                .hasMessageContaining("insecure: true");
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("vitals.yml");
        Files.writeString(file, yaml);
        return file;
    }
}
