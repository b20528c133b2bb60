package dev.vitals.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.TestCatalog;
import dev.vitals.VitalsProcess;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Vitals as a separate JVM told to listen on every address without console tokens: it will not start. */
class ConsoleCredentialsTest {
    private static final String CATALOG = """
            environments:
              %1$s: {network: vitals-%1$s}
            services:
              backend:
                image: vitals-demo/backend
            policies: [{environment: %1$s, approvals: {}}]
            users:
              alice: [deployer]
              dave: [viewer]
            """.formatted(TestCatalog.RUN + "-console");

    private VitalsProcess vitals;

    @AfterEach
    void stop() throws Exception {
        if (vitals != null) {
            vitals.close();
        }
    }

    @Test
    void aStartOnAllAddressesWithoutConsoleCredentialsIsRefusedSayingHowToFixIt() throws Exception {
        // given Vitals told to listen on 0.0.0.0 with no console tokens
        vitals = new VitalsProcess("open-console", CATALOG, Map.of("VITALS_BIND_ADDRESS", "0.0.0.0"));

        // when it starts
        String output = vitals.startExpectingRefusal();

        // then it refuses, says why, and says in one line what to do
        assertThat(output).contains("The console would be open to the network: Vitals listens on '0.0.0.0'");
        assertThat(output.lines()).anyMatch(line -> line.startsWith("Listen on loopback only")
                && line.contains("VITALS_BIND_ADDRESS") && line.contains("VITALS_CONSOLE_TOKENS="));
        assertThat(output).doesNotContain("Tomcat started on port");
    }
}
