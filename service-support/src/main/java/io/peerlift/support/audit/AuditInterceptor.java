package io.peerlift.support.audit;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.TreeSet;

/**
 * Records each change an {@link Audited} resource makes: the resource method and the audit entry run in one
 * transaction, which the service's own {@code @Transactional} methods join.
 */
@Audited
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
@IfBuildProperty(name = "peerlift.audit.enabled", stringValue = "true")
public class AuditInterceptor {

    private final AuditTrail trail;
    private final CurrentIdentityAssociation identity;
    private final CurrentVertxRequest request;

    public AuditInterceptor(AuditTrail trail, CurrentIdentityAssociation identity, CurrentVertxRequest request) {
        this.trail = trail;
        this.identity = identity;
        this.request = request;
    }

    @AroundInvoke
    Object record(InvocationContext invocation) throws Exception {
        if (readsOnly(invocation) || request.getCurrent() == null) {
            return invocation.proceed();
        }
        HttpServerRequest http = request.getCurrent().request();
        SecurityIdentity caller = identity.getIdentity();
        String subject = caller.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null
                ? jwt.getSubject() : caller.getPrincipal().getName();
        String target = http.query() == null ? http.path() : http.path() + "?" + http.query();
        Runnable entry = () -> trail.record(subject, caller.getPrincipal().getName(),
                String.join(",", new TreeSet<>(caller.getRoles())), http.method().name(), target);
        Audited audited = invocation.getMethod().getDeclaringClass().getAnnotation(Audited.class);
        if (audited != null && !audited.sharedTransaction()) {
            Object result = invocation.proceed();
            QuarkusTransaction.requiringNew().run(entry);
            return result;
        }
        return QuarkusTransaction.joiningExisting().call(() -> {
            Object result = invocation.proceed();
            entry.run();
            return result;
        });
    }

    private static boolean readsOnly(InvocationContext invocation) {
        var method = invocation.getMethod();
        return method.isAnnotationPresent(GET.class) || method.isAnnotationPresent(HEAD.class)
                || method.isAnnotationPresent(OPTIONS.class);
    }
}
