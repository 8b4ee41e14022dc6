package io.peerlift.support.audit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a method of an {@link Audited} resource that may run longer than the default transaction timeout (an upload
 * streaming gigabytes at the client's pace): the transaction the change and its audit entry share gets this timeout
 * instead, so a slow but successful change is not rolled back under it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface LongRunning {

    /** The transaction timeout, in seconds. */
    int seconds();
}
