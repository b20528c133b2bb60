package dev.vitals.docker;

import dev.vitals.catalog.Catalog.EngineTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The local Docker engine behind mutual TLS on a loopback port, as {@code dockerd --tlsverify} would
 * serve it: the door presents a certificate signed by its own CA and lets in only clients whose
 * certificate that CA signed. {@link #clientFiles} writes PEM files such as a catalog names.
 */
final class TlsEngineDoor implements AutoCloseable {
    private final Issuer ca = new Issuer("CN=vitals-test-docker-ca");
    private final SSLServerSocket server;
    private final AtomicInteger verifiedClients = new AtomicInteger();

    TlsEngineDoor(Path engineSocket) {
        try {
            KeyPair serverKeys = keys();
            X509Certificate serverCert = ca.sign("CN=127.0.0.1", serverKeys, true);
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("engine", serverKeys.getPrivate(), new char[0],
                    new X509Certificate[] {serverCert, ca.certificate});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, new char[0]);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50,
                    InetAddress.getLoopbackAddress());
            server.setNeedClientAuth(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Thread.ofVirtual().name("tls-engine-door").start(() -> accept(engineSocket));
    }

    String endpoint() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** Connections whose client certificate the door's CA signed and that reached the engine. */
    int verifiedClients() {
        return verifiedClients.get();
    }

    /** A client certificate signed by this door's CA, and the CA to trust: what an operator puts in the catalog. */
    EngineTls clientFiles(Path dir) {
        return ca.clientFiles(dir, ca);
    }

    /** Client files from a CA this door knows nothing of: neither side trusts the other. */
    static EngineTls strangerFiles(Path dir) {
        Issuer stranger = new Issuer("CN=someone-else-ca");
        return stranger.clientFiles(dir, stranger);
    }

    private void accept(Path engineSocket) {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().start(() -> serve((SSLSocket) client, engineSocket));
        }
    }

    private void serve(SSLSocket client, Path engineSocket) {
        try (client; SocketChannel engine = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.startHandshake(); // fails unless the client shows a certificate our CA signed
            verifiedClients.incrementAndGet();
            engine.connect(UnixDomainSocketAddress.of(engineSocket));
            InputStream fromEngine = Channels.newInputStream(engine);
            OutputStream toEngine = Channels.newOutputStream(engine);
            Thread back = Thread.ofVirtual().start(() -> copy(fromEngine, quietly(client)));
            copy(client.getInputStream(), toEngine);
            back.join(Duration.ofSeconds(5));
        } catch (IOException | InterruptedException e) {
            // handshake refused or a side closed: the connection ends
        }
    }

    private static OutputStream quietly(SSLSocket socket) {
        try {
            return socket.getOutputStream();
        } catch (IOException e) {
            return OutputStream.nullOutputStream();
        }
    }

    private static void copy(InputStream in, OutputStream out) {
        try {
            in.transferTo(out);
            out.flush();
        } catch (IOException ignored) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** A throwaway certificate authority. */
    private static final class Issuer {
        final KeyPair keys;
        final X509Certificate certificate;
        private final X500Name name;

        Issuer(String dn) {
            try {
                keys = keys();
                name = new X500Name(dn);
                var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, from(), until(), name, keys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                certificate = new JcaX509CertificateConverter().getCertificate(
                        builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        X509Certificate sign(String dn, KeyPair subject, boolean loopbackServer) throws GeneralSecurityException {
            try {
                var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(System.nanoTime()), from(), until(),
                        new X500Name(dn), subject.getPublic());
                if (loopbackServer) {
                    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.dNSName, "localhost")}));
                }
                return new JcaX509CertificateConverter().getCertificate(
                        builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            } catch (GeneralSecurityException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        EngineTls clientFiles(Path dir, Issuer trusted) {
            try {
                KeyPair clientKeys = keys();
                X509Certificate clientCert = sign("CN=vitals", clientKeys, false);
                Files.createDirectories(dir);
                Path caFile = pem(dir.resolve("ca.pem"), trusted.certificate);
                Path certFile = pem(dir.resolve("cert.pem"), clientCert);
                Path keyFile = pem(dir.resolve("key.pem"), clientKeys.getPrivate());
                return new EngineTls(caFile, certFile, keyFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Path pem(Path file, Object value) throws IOException {
            try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(value);
            }
            return file;
        }

        private static Date from() {
            return Date.from(Instant.now().minus(Duration.ofHours(1)));
        }

        private static Date until() {
            return Date.from(Instant.now().plus(Duration.ofDays(1)));
        }
    }
}
