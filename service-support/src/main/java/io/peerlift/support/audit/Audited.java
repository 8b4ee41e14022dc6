package io.peerlift.support.audit;

import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a REST resource class: every request that changes something (any method but GET, HEAD and OPTIONS) and
 * succeeds is recorded in the {@link AuditTrail}, in the transaction of the change.
 */
@InterceptorBinding
@Target({ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface Audited {
}
