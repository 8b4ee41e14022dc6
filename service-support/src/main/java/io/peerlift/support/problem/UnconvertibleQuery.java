package io.peerlift.support.problem;

import io.peerlift.events.Limits;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.resteasy.reactive.RestQuery;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which query parameter of a resource method its type cannot hold. JAX-RS answers a path or a query parameter that
 * does not convert alike, with 404 and only the converter's exception as the cause; but a path segment that cannot
 * be an id rightly means "no such resource", while {@code ?limit=abc} is the caller's mistake (400). So once a
 * conversion failed, the method's typed query parameters are converted again by the JAX-RS rules (a static
 * {@code valueOf(String)} or {@code fromString(String)}, or a String constructor) to find the one that failed;
 * none failing means a path parameter did.
 */
final class UnconvertibleQuery {

    private static final Map<Class<?>, Class<?>> WRAPPERS = Map.of(int.class, Integer.class, long.class, Long.class,
            short.class, Short.class, byte.class, Byte.class, double.class, Double.class, float.class, Float.class,
            boolean.class, Boolean.class);

    private UnconvertibleQuery() {
    }

    /** What is wrong with the first query parameter of {@code method} that its type cannot hold, if any. */
    static Optional<String> in(Method method, MultivaluedMap<String, String> query) {
        if (method == null) {
            return Optional.empty();
        }
        for (Parameter parameter : method.getParameters()) {
            String name = queryName(parameter);
            List<String> values = name == null ? null : query.get(name);
            if (values == null || parameter.getType() == String.class) {
                continue;
            }
            Class<?> type = WRAPPERS.getOrDefault(parameter.getType(), parameter.getType());
            for (String value : values) {
                if (!converts(type, value)) {
                    return Optional.of("the query parameter " + name + " is '" + Limits.printable(value) + "', not "
                            + describe(type));
                }
            }
        }
        return Optional.empty();
    }

    private static String queryName(Parameter parameter) {
        QueryParam jaxrs = parameter.getAnnotation(QueryParam.class);
        if (jaxrs != null) {
            return jaxrs.value();
        }
        RestQuery rest = parameter.getAnnotation(RestQuery.class);
        if (rest == null) {
            return null;
        }
        return rest.value().isEmpty() ? parameter.getName() : rest.value(); // the build keeps parameter names
    }

    private static boolean converts(Class<?> type, String value) {
        try {
            for (String factory : List.of("valueOf", "fromString")) {
                Method convert = factoryOf(type, factory);
                if (convert != null) {
                    convert.invoke(null, value);
                    return true;
                }
            }
            Constructor<?> constructor = type.getConstructor(String.class);
            constructor.newInstance(value);
            return true;
        } catch (InvocationTargetException refused) {
            return false;
        } catch (ReflectiveOperationException noRule) {
            return true; // not a type these rules convert: not the one that failed here
        }
    }

    private static Method factoryOf(Class<?> type, String name) {
        try {
            Method method = type.getMethod(name, String.class);
            return Modifier.isStatic(method.getModifiers()) ? method : null;
        } catch (NoSuchMethodException none) {
            return null;
        }
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == Long.class || type == Short.class || type == Byte.class) {
            return "an integer";
        }
        if (type == Double.class || type == Float.class) {
            return "a number";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        return "a " + type.getSimpleName();
    }
}
