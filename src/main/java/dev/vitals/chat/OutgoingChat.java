package dev.vitals.chat;

import dev.vitals.secrets.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Wraps every {@link ChatPlatform} adapter, so nothing any feature — or the adapter itself, when it
 * answers a command through its own bean — says can bypass it: secret values are redacted and
 * mentions and masked links made inert (except a message's intended mentions) before the adapter
 * sees the text.
 */
@Component
class OutgoingChat implements BeanPostProcessor {

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof ChatPlatform)) {
            return bean;
        }
        ProxyFactory factory = new ProxyFactory(bean);
        // A subclass proxy, so an adapter's own classes that inject it by its type get the guarded one too.
        factory.setProxyTargetClass(true);
        factory.addAdvice((MethodInterceptor) invocation -> {
            Object[] args = invocation.getArguments();
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof Message m) {
                    args[i] = guarded(m);
                } else if (args[i] instanceof String s && invocation.getMethod().getName().equals("openThread")) {
                    args[i] = UserText.inert(Secrets.redact(s));
                }
            }
            return invocation.proceed();
        });
        return factory.getProxy(bean.getClass().getClassLoader());
    }

    static Message guarded(Message m) {
        List<Attachment> files = m.attachments().stream().map(OutgoingChat::redacted).toList();
        return new Message(UserText.inert(Secrets.redact(m.text()), m.mentions()), m.buttons(), files, m.mentions());
    }

    /** Text files (an export, a draft) are redacted too; other files are passed as they are. */
    private static Attachment redacted(Attachment a) {
        String type = a.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("text/") && !type.contains("json") && !type.contains("csv")) {
            return a;
        }
        String text = new String(a.content(), StandardCharsets.UTF_8);
        String clean = Secrets.redact(text);
        return clean.equals(text) ? a : new Attachment(a.name(), a.contentType(), clean.getBytes(StandardCharsets.UTF_8));
    }
}
