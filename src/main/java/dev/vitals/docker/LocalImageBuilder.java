package dev.vitals.docker;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import dev.vitals.catalog.Catalog.EngineEndpoint;
import dev.vitals.catalog.Catalog.LocalImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Builds the tiny web service images of {@code local-images} when an engine lacks them (there may be no
 * registry to pull from). Each image is {@code FROM scratch} with the static busybox and serves, on port
 * 8080 with busybox httpd, {@code /health} ("ok"), {@code /version} (the version) and {@code /index.html}.
 *
 * <p>Its HEALTHCHECK fetches {@code /health}; an image marked not healthy checks {@code /ready}, which
 * does not exist, so it never becomes healthy while {@code /health} and {@code /version} still answer.
 *
 * <p>httpd is the image's {@code CMD}, not its {@code ENTRYPOINT}, so a container's command replaces it:
 * hooks and probes can run any busybox applet as {@code /bin/busybox <applet> ...} (e.g.
 * {@code ["/bin/busybox", "wget", "-q", "-O-", "http://web:8080/version"]}). {@code /bin/sh},
 * {@code wget}, {@code sleep} and a few more are symlinks to {@code /bin/busybox} as well.
 */
@Component
public class LocalImageBuilder {

    private static final Logger log = LoggerFactory.getLogger(LocalImageBuilder.class);

    static final Path DEFAULT_BUSYBOX = Path.of("/bin/busybox");
    static final int PORT = 8080;
    /** Label on every image this builder makes, so they can be told apart from others. */
    static final String LABEL = "vitals.local-image";
    private static final List<String> APPLETS =
            List.of("sh", "wget", "sleep", "cat", "echo", "ls", "env", "true", "false", "httpd");
    private static final long BUILD_TIMEOUT_SECONDS = 120;

    private final DockerContainerRuntime runtime;
    private final Path busybox;

    @Autowired
    public LocalImageBuilder(DockerContainerRuntime runtime) {
        this(runtime, DEFAULT_BUSYBOX);
    }

    LocalImageBuilder(DockerContainerRuntime runtime, Path busybox) {
        this.runtime = runtime;
        this.busybox = busybox;
    }

    /**
     * Builds {@code image.image():image.version()} on the engine unless the engine already has that tag.
     *
     * @return true when it built the image, false when the engine already had it
     */
    public boolean ensure(EngineEndpoint engine, LocalImage image) {
        var tag = tag(image);
        if (runtime.image(engine, tag).isPresent()) {
            log.debug("Engine {} already has {}", engine.host(), tag);
            return false;
        }
        long started = System.nanoTime();
        var context = buildContext(image);
        String imageId = runtime.call(engine, () -> {
            try (var callback = runtime.client(engine)
                    .buildImageCmd(new ByteArrayInputStream(context))
                    .withTags(Set.of(tag))
                    .withLabels(Map.of(LABEL, "true"))
                    .withPull(false)
                    .withRemove(true)
                    .withForcerm(true)
                    .exec(new BuildImageResultCallback())) {
                return callback.awaitImageId(BUILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (DockerClientException | DockerException e) {
                throw new IllegalStateException("Docker engine at " + engine.host() + " could not build " + tag
                        + ": " + e.getMessage(), e);
            }
        });
        log.info("Built local image {} ({}) on {} in {} ms", tag, imageId, engine.host(),
                (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    static String tag(LocalImage image) {
        return image.image() + ":" + image.version();
    }

    /** The build context: a tar with the Dockerfile, busybox and the files httpd serves. */
    byte[] buildContext(LocalImage image) {
        byte[] busyboxBytes = readStaticBusybox();
        var out = new ByteArrayOutputStream(busyboxBytes.length + 16 * 1024);
        try (var tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            file(tar, "Dockerfile", (image.maintenancePage() ? PAGE_DOCKERFILE : dockerfile(image.healthy()))
                    .getBytes(StandardCharsets.UTF_8), 0644);
            directory(tar, "bin/");
            file(tar, "bin/busybox", busyboxBytes, 0755);
            for (var applet : APPLETS) {
                symlink(tar, "bin/" + applet, "busybox");
            }
            if (image.maintenancePage()) {
                file(tar, "bin/page", PAGE_SCRIPT.getBytes(StandardCharsets.UTF_8), 0755);
            }
            directory(tar, "www/");
            file(tar, "www/health", "ok".getBytes(StandardCharsets.UTF_8), 0644);
            file(tar, "www/version", image.version().getBytes(StandardCharsets.UTF_8), 0644);
            file(tar, "www/index.html", indexHtml(image).getBytes(StandardCharsets.UTF_8), 0644);
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the build context of " + tag(image), e);
        }
        return out.toByteArray();
    }

    static String dockerfile(boolean healthy) {
        var healthPath = healthy ? "/health" : "/ready";
        return """
                FROM scratch
                COPY bin /bin
                COPY www /www
                ENV PATH=/bin
                EXPOSE %1$d
                HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD ["/bin/busybox","wget","-q","-O-","http://127.0.0.1:%1$d%2$s"]
                CMD ["/bin/busybox","httpd","-f","-p","%1$d","-h","/www"]
                """.formatted(PORT, healthPath);
    }

    /**
     * A maintenance page: busybox {@code nc} as a persistent server ({@code -ll}) runs {@code /bin/page} for
     * each connection, which reads the request and answers 503 with a short HTML page, whatever the path.
     * It listens on {@code $PORT} (default 8080) and is healthy when it answers so.
     */
    static final String PAGE_DOCKERFILE = """
            FROM scratch
            COPY bin /bin
            ENV PATH=/bin
            EXPOSE %1$d
            HEALTHCHECK --interval=1s --timeout=5s --retries=3 CMD ["/bin/busybox","sh","-c","/bin/busybox wget -q -O- http://127.0.0.1:${PORT:-%1$d}/ 2>&1 | /bin/busybox grep -q 'Service Unavailable'"]
            CMD ["/bin/busybox","sh","-c","exec /bin/busybox nc -ll -p ${PORT:-%1$d} -e /bin/page"]
            """.formatted(PORT);

    /** Reads the request line and headers (so the client sees no reset), then answers 503 with the page. */
    static final String PAGE_SCRIPT = """
            #!/bin/busybox sh
            CR=$(printf '\\r')
            read -r -t 2 request
            while read -r -t 2 header; do
              case "$header" in ""|"$CR") break ;; esac
            done
            body='<!doctype html><html><head><meta charset="utf-8"><title>Under maintenance</title></head><body><h1>Under maintenance</h1><p>This service is being updated in a planned maintenance window and will be back shortly. Please use your downtime procedure meanwhile.</p></body></html>'
            printf 'HTTP/1.0 503 Service Unavailable\\r\\nContent-Type: text/html; charset=utf-8\\r\\nRetry-After: 300\\r\\nCache-Control: no-store\\r\\nContent-Length: %s\\r\\nConnection: close\\r\\n\\r\\n%s' "${#body}" "$body"
            """;

    private static String indexHtml(LocalImage image) {
        var name = escape(image.image());
        var version = escape(image.version());
        return """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>%1$s %2$s</title></head>
                <body><h1>%1$s</h1><p>version <code>%2$s</code></p></body></html>
                """.formatted(name, version);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The busybox binary, which must be statically linked: the image has no C library. */
    byte[] readStaticBusybox() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(busybox);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("No busybox at " + busybox + ": install busybox-static"
                    + " (apt-get install busybox-static) to build the local images", e);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + busybox + " (" + e.getMessage()
                    + "): install busybox-static (apt-get install busybox-static) to build the local images", e);
        }
        if (!isStaticElf(bytes)) {
            throw new IllegalStateException(busybox + " is not a statically linked executable, so it cannot run"
                    + " in an image FROM scratch: install busybox-static (apt-get install busybox-static)");
        }
        return bytes;
    }

    /** An ELF executable without a PT_INTERP program header (no dynamic loader needed). */
    static boolean isStaticElf(byte[] bytes) {
        if (bytes.length < 64 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            return false;
        }
        boolean is64 = bytes[4] == 2;
        var buffer = ByteBuffer.wrap(bytes).order(bytes[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long phoff = is64 ? buffer.getLong(0x20) : Integer.toUnsignedLong(buffer.getInt(0x1C));
        int phentsize = Short.toUnsignedInt(buffer.getShort(is64 ? 0x36 : 0x2A));
        int phnum = Short.toUnsignedInt(buffer.getShort(is64 ? 0x38 : 0x2C));
        for (int i = 0; i < phnum; i++) {
            long offset = phoff + (long) i * phentsize;
            if (offset + 4 > bytes.length) {
                return false;
            }
            if (buffer.getInt((int) offset) == 3) { // PT_INTERP
                return false;
            }
        }
        return true;
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
        var entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setMode(0100000 | mode);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        var entry = new TarArchiveEntry(name);
        entry.setMode(040755);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static void symlink(TarArchiveOutputStream tar, String name, String target) throws IOException {
        var entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        entry.setLinkName(target);
        entry.setMode(0120777);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }
}
