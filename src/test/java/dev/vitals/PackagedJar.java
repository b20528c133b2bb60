package dev.vitals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The jar the build packaged ({@code target/vitals.jar}, so only in a phase after {@code package}) and the
 * options {@code deploy/local/demo.sh} starts it with: its start-up cache (prepared once per build by
 * {@code start_cache} in {@code deploy/local/lib.sh}), the ahead-of-time context, and the same JIT setting.
 */
public final class PackagedJar {
    private static final Path JAR = Path.of("target", "vitals.jar");

    private PackagedJar() {
    }

    /** The java options after {@code java}, as demo.sh passes them; prepares the start-up cache if the build is newer. */
    public static List<String> demoOptions() throws IOException, InterruptedException {
        assertThat(JAR).as("the packaged jar (this test runs after the package phase: ./mvnw verify)").exists();
        try (var classes = Files.walk(Path.of("target", "classes"))) {
            long newest = classes.filter(Files::isRegularFile).mapToLong(f -> f.toFile().lastModified()).max().orElse(0);
            assertThat(JAR.toFile().lastModified()).as("target/vitals.jar is older than the compiled classes: "
                    + "this runs after the package phase (./mvnw verify)").isGreaterThanOrEqualTo(newest);
        }
        Path out = Files.createTempFile("vitals-start-options", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                    ". deploy/local/lib.sh && echo \"$(demo_java_options " + JAR + ")\" > " + out)
                    .redirectErrorStream(true).inheritIO();
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
            pb.environment().remove("DISCORD_TOKEN");
            int exit = pb.start().waitFor();
            assertThat(exit).as("deploy/local/lib.sh demo_java_options").isZero();
            String options = Files.readString(out, StandardCharsets.UTF_8).strip();
            assertThat(options).as("demo.sh's java options").contains("-jar");
            return List.copyOf(Arrays.asList(options.split("\\s+")));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
