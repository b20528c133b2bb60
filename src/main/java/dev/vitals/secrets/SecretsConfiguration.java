package dev.vitals.secrets;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

@Configuration(proxyBeanMethods = false)
class SecretsConfiguration {

    /** Every string in every JSON answer (the API, the console) is redacted as it is written. */
    @Bean
    JacksonModule redactingStrings() {
        SimpleModule module = new SimpleModule("vitals-redaction");
        module.addSerializer(String.class, new RedactingStringSerializer());
        return module;
    }

    static final class RedactingStringSerializer extends StdSerializer<String> {
        RedactingStringSerializer() {
            super(String.class);
        }

        @Override
        public void serialize(String value, JsonGenerator gen, SerializationContext context) {
            gen.writeString(Secrets.redact(value));
        }
    }
}
