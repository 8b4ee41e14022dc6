package io.peerlift.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds what a lenient model accepted without understanding it. fabric8's and Strimzi's models keep every
 * unknown field, and fabric8 also every value of the wrong type, in an {@code additionalProperties} map instead
 * of failing; the API server or the operator would reject (or silently drop) them. This walks a parsed object
 * and reports each such entry with its path.
 */
final class SchemaViolations {

    private static final List<String> MODEL_PACKAGES = List.of(
            "io.fabric8.kubernetes.api.model", "io.strimzi.api", SchemaViolations.class.getPackageName());

    private SchemaViolations() {
    }

    static List<String> unknownFields(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, "", found);
        return found;
    }

    private static void walk(Object value, String path, List<String> found) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                walk(item, path + "[" + index++ + "]", found);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> walk(item, path + "." + key, found));
            return;
        }
        if (!isModel(value.getClass())) {
            return;
        }
        if (value instanceof Record record) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                walk(invoke(component.getAccessor(), record), path + "." + component.getName(), found);
            }
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (!isGetter(getter)) {
                continue;
            }
            Object property = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(key -> found.add(path + "." + key));
                }
            } else if (!(property instanceof Map<?, ?>) || isModelMap((Map<?, ?>) property)) {
                walk(property, path + "." + propertyName(getter), found);
            }
        }
    }

    private static boolean isModel(Class<?> type) {
        return !type.isEnum() && MODEL_PACKAGES.stream().anyMatch(type.getName()::startsWith);
    }

    /** Maps of free-form values (labels, Kafka config) are data, not schema; maps of model objects are walked. */
    private static boolean isModelMap(Map<?, ?> map) {
        return map.values().stream().anyMatch(item -> item != null && isModel(item.getClass()));
    }

    private static boolean isGetter(Method method) {
        return method.getParameterCount() == 0 && !Modifier.isStatic(method.getModifiers())
                && method.getName().startsWith("get") && !method.getName().equals("getClass")
                && method.getDeclaringClass() != Object.class;
    }

    private static String propertyName(Method getter) {
        String name = getter.getName().substring(3);
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    private static Object invoke(Method method, Object target) {
        try {
            return method.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + method + " of " + target.getClass(), e);
        }
    }
}
