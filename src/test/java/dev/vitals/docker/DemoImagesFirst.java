package dev.vitals.docker;

import dev.vitals.TestCatalog;
import dev.vitals.catalog.Catalog.LocalImage;
import dev.vitals.catalog.CatalogLoader;
import dev.vitals.deploy.EngineUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Builds the demo images of the test catalog before a test JVM runs anything (under a file lock, should
 * two test JVMs ever start together). Every Vitals a test starts builds the images it misses, in the
 * background: two of them building one tag at once would move it between two digests, and an approval
 * bound to the first would be refused. Once the images are there, no Vitals builds them again.
 *
 * <p>An engine that does not answer is left to the tests, which fail saying so.
 */
public class DemoImagesFirst implements LauncherSessionListener {
    private static final Path LOCK = Path.of("target", "demo-images.lock");

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        try {
            Files.createDirectories(LOCK.getParent());
            try (FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock held = channel.lock();
                 DockerContainerRuntime runtime = new DockerContainerRuntime()) {
                LocalImageBuilder builder = new LocalImageBuilder(runtime);
                for (LocalImage image : CatalogLoader.load(TestCatalog.file()).localImages()) {
                    builder.ensure(TestEngine.ENGINE, image);
                }
            }
        } catch (EngineUnavailableException e) {
            System.err.println("Demo images not built before the tests: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
