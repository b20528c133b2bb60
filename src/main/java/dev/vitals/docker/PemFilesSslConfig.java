package dev.vitals.docker;

import com.github.dockerjava.core.SSLConfig;
import com.github.dockerjava.core.util.CertificateUtils;
import dev.vitals.catalog.Catalog.EngineTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Security;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Mutual TLS to an engine from three PEM files named in the catalog (docker-java's own
 * {@code LocalDirectorySSLConfig} wants them in one directory under fixed names). Only the catalog's CA
 * is trusted, not the JVM's default ones.
 */
record PemFilesSslConfig(EngineTls tls) implements SSLConfig {

    @Override
    public SSLContext getSSLContext() {
        try {
            if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
                Security.addProvider(new BouncyCastleProvider()); // docker-java's PEM reading asks for "BC"
            }
            KeyStore keys = CertificateUtils.createKeyStore(read(tls.key()), read(tls.cert()));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, "docker".toCharArray());
            KeyStore trusted = CertificateUtils.createTrustStore(read(tls.ca()));
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("cannot use the TLS files " + tls.ca() + ", " + tls.cert() + ", "
                    + tls.key() + " (PEM: the CA certificate, Vitals' client certificate and its private key): "
                    + e.getMessage(), e);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
