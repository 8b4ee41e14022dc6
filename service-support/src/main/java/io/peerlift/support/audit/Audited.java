package io.peerlift.support.audit;

import jakarta.enterprise.util.Nonbinding;
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

    /**
     * True: the change and its entry share one transaction, which the service's {@code @Transactional} methods join,
     * so they commit or roll back together. False, for a service whose change commits in transactions of its own
     * (rollout-service: a request commits its change, then runs reconciler passes that others must see at once; an
     * upload streams for minutes before it stores anything): the entry is written in a transaction of its own right
     * after the change succeeded.
     */
    @Nonbinding
    boolean sharedTransaction() default true;
}
