package dev.vitals.secrets;

import ch.qos.logback.classic.spi.IThrowableProxy;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/**
 * A logged exception ({@code %wEx}) with every secret value redacted from its messages and causes;
 * registered in logback-spring.xml.
 */
public class RedactingThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {
    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return Secrets.redact(super.throwableProxyToString(proxy));
    }
}
