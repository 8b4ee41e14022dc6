package io.peerlift.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST routes a service's JAX-RS resources declare ({@code @Path} on the class and the method, and the HTTP
 * method annotation), read from the sources, so that the README's curl commands can be checked against them.
 */
final class RestRoutes {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern PATH = Pattern.compile("@Path\\s*\\(\\s*\"([^\"]*)\"\\s*\\)");
    private static final Pattern VERB = Pattern.compile("@(GET|POST|PUT|DELETE|PATCH|HEAD)\\b");

    /** An HTTP method and a path template such as {@code /api/folders/{id}/devices}. */
    record Route(String method, String template) implements Comparable<Route> {

        boolean matches(String method, String path) {
            String[] expected = template.split("/");
            String[] actual = path.split("/");
            if (!this.method.equals(method) || expected.length != actual.length) {
                return false;
            }
            for (int i = 0; i < expected.length; i++) {
                boolean parameter = expected[i].startsWith("{") && expected[i].endsWith("}");
                if (!parameter && !expected[i].equals(actual[i])) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int compareTo(Route other) {
            return (template + " " + method).compareTo(other.template + " " + other.method);
        }
    }

    private RestRoutes() {
    }

    static Set<Route> of(Path sourceRoot) {
        Set<Route> routes = new TreeSet<>();
        JavaSources.under(sourceRoot).forEach(source -> routes.addAll(routesIn(source)));
        return routes;
    }

    /**
     * Splits a top-level class into the headers (annotations and signature) of the class and of its members:
     * braces count only outside parentheses, so that annotation arrays do not end a header.
     */
    private static List<Route> routesIn(String source) {
        List<String> literals = new ArrayList<>();
        Matcher string = STRING.matcher(source);
        StringBuilder masked = new StringBuilder();
        while (string.find()) {
            literals.add(string.group());
            string.appendReplacement(masked, Matcher.quoteReplacement("\u0000" + (literals.size() - 1) + "\u0000"));
        }
        string.appendTail(masked);

        List<String> headers = new ArrayList<>();
        StringBuilder header = new StringBuilder();
        int parentheses = 0;
        int braces = 0;
        for (char c : masked.toString().toCharArray()) {
            if (c == '(') {
                parentheses++;
            } else if (c == ')') {
                parentheses--;
            }
            boolean structural = parentheses == 0 && (c == '{' || c == '}' || c == ';');
            if (structural && c == '{' && braces <= 1) {
                headers.add(unmask(header.toString(), literals));
            }
            if (structural) {
                braces += c == '{' ? 1 : c == '}' ? -1 : 0;
                if (braces <= 1) {
                    header.setLength(0);
                }
            } else if (braces <= 1) {
                header.append(c);
            }
        }
        if (headers.isEmpty()) {
            return List.of();
        }
        Matcher classPath = PATH.matcher(headers.get(0));
        if (!classPath.find()) {
            return List.of();
        }
        List<Route> routes = new ArrayList<>();
        for (String member : headers.subList(1, headers.size())) {
            Matcher verb = VERB.matcher(member);
            if (verb.find()) {
                Matcher methodPath = PATH.matcher(member);
                routes.add(new Route(verb.group(1), join(classPath.group(1), methodPath.find() ? methodPath.group(1) : "")));
            }
        }
        return routes;
    }

    private static String unmask(String text, List<String> literals) {
        Matcher placeholder = Pattern.compile("\u0000(\\d+)\u0000").matcher(text);
        StringBuilder unmasked = new StringBuilder();
        while (placeholder.find()) {
            placeholder.appendReplacement(unmasked, Matcher.quoteReplacement(literals.get(Integer.parseInt(placeholder.group(1)))));
        }
        return placeholder.appendTail(unmasked).toString();
    }

    private static String join(String classPath, String methodPath) {
        String joined = ("/" + classPath + "/" + methodPath).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }
}
