package io.peerlift.deploy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration keys a service's Java sources read, found without compiling them: the members of each
 * {@code @ConfigMapping(prefix = ...)} interface (nested groups followed, names in SmallRye's kebab-case,
 * {@code @WithName} and {@code @WithParentName} honoured, a {@code Map} member as a {@code *} segment) and
 * every {@code @ConfigProperty(name = ...)}.
 */
final class ConfigMappings {

    private static final Pattern MAPPING = Pattern.compile(
            "@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"[^)]*\\)[^{;]*?\\binterface\\s+(\\w+)");
    private static final Pattern CONFIG_PROPERTY = Pattern.compile("@ConfigProperty\\s*\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern MEMBER = Pattern.compile("([\\w.]+(?:<.*>)?(?:\\[])?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*$", Pattern.DOTALL);
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]+)\"\\s*\\)");
    private static final Pattern WITH_DEFAULT = Pattern.compile("@WithDefault\\s*\\(\\s*\"([^\"]*)\"\\s*\\)");
    /** Default and static methods of a mapping interface compute things; they are not configuration. */
    private static final Pattern MODIFIER_NOT_A_KEY = Pattern.compile("(^|\\s)(default|static)\\s");
    private static final Pattern GENERIC = Pattern.compile("^(?:java\\.util\\.)?(Optional|List|Set|Collection|Map)\\s*<(.*)>$");

    private ConfigMappings() {
    }

    /** Every key, mapped to its {@code @WithDefault} value (null where there is none). */
    static Map<String, String> keys(Path sourceRoot) {
        Map<String, String> interfaceBodies = new HashMap<>();
        Map<String, String> mappings = new HashMap<>();
        Map<String, String> keys = new TreeMap<>();
        for (String source : JavaSources.under(sourceRoot)) {
            collectInterfaces(source, interfaceBodies);
            Matcher mapping = MAPPING.matcher(source);
            while (mapping.find()) {
                mappings.put(mapping.group(2), mapping.group(1));
            }
            Matcher property = CONFIG_PROPERTY.matcher(source);
            while (property.find()) {
                keys.put(property.group(1), null);
            }
        }
        mappings.forEach((type, prefix) -> collectKeys(prefix, type, interfaceBodies, keys, new TreeSet<>()));
        return keys;
    }

    /** Records the body of every interface, nested ones included, with nested blocks cut out. */
    private static void collectInterfaces(String source, Map<String, String> bodies) {
        Matcher matcher = INTERFACE.matcher(source);
        while (matcher.find()) {
            int open = matcher.end() - 1;
            int close = matchingBrace(source, open);
            bodies.put(matcher.group(1), withoutBlocks(source.substring(open + 1, close)));
        }
    }

    private static int matchingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced braces");
    }

    private static String withoutBlocks(String body) {
        StringBuilder flat = new StringBuilder();
        int depth = 0;
        for (char c : body.toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    flat.append(';');
                }
            } else if (depth == 0) {
                flat.append(c);
            }
        }
        return flat.toString();
    }

    private static void collectKeys(String prefix, String type, Map<String, String> bodies, Map<String, String> keys,
                                    Set<String> visiting) {
        if (!visiting.add(type)) {
            return;
        }
        for (String declaration : bodies.get(type).split(";")) {
            Matcher member = MEMBER.matcher(declaration.trim());
            if (!member.find() || MODIFIER_NOT_A_KEY.matcher(declaration).find()) {
                continue;
            }
            Matcher withName = WITH_NAME.matcher(declaration);
            String segment = withName.find() ? withName.group(1) : kebab(member.group(2));
            String key = declaration.contains("@WithParentName") ? prefix : prefix + "." + segment;
            Matcher withDefault = WITH_DEFAULT.matcher(declaration);
            String defaultValue = withDefault.find() ? withDefault.group(1) : null;
            addMember(key, member.group(1).replaceAll("@\\w+(\\([^)]*\\))?", "").trim(), defaultValue, bodies, keys,
                    visiting);
        }
        visiting.remove(type);
    }

    private static void addMember(String key, String type, String defaultValue, Map<String, String> bodies,
                                  Map<String, String> keys, Set<String> visiting) {
        Matcher generic = GENERIC.matcher(type);
        if (generic.matches()) {
            if (generic.group(1).equals("Map")) {
                String valueType = generic.group(2).substring(generic.group(2).indexOf(',') + 1).trim();
                addMember(key + ".*", valueType, defaultValue, bodies, keys, visiting);
            } else {
                addMember(key, generic.group(2).trim(), defaultValue, bodies, keys, visiting);
            }
            return;
        }
        String simpleName = type.substring(type.lastIndexOf('.') + 1).replace("[]", "");
        if (bodies.containsKey(simpleName)) {
            collectKeys(key, simpleName, bodies, keys, visiting);
        } else {
            keys.put(key, defaultValue);
        }
    }

    /** SmallRye's default naming: {@code devicesPerSubnet} becomes {@code devices-per-subnet}. */
    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
