package dev.tgdesk.operator.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes REST calls to endpoints: {@code router.get("/api/dialogs/{dialogId}", Access.OPERATOR, (caller, req) -> …)}.
 * Authentication happens here, once, before any endpoint runs: {@link Access#PUBLIC} endpoints get a null
 * caller; {@link Access#OPERATOR} ones any signed-in operator; {@link Access#ADMIN} ones admins only (403 for
 * agents). Unknown path → 404, known path with another method → 405. Errors become JSON error bodies.
 */
public final class Router {

    public enum Access { PUBLIC, OPERATOR, ADMIN }

    @FunctionalInterface
    public interface Endpoint {
        ApiResponse handle(Caller caller, ApiRequest request);
    }

    /** A group of endpoints (one area of the API) that registers itself. */
    public interface Routes {
        void register(Router router);
    }

    public record Route(String method, String pattern, Access access) {
    }

    private record Entry(Route route, Pattern regex, List<String> names, Endpoint endpoint) {
    }

    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

    private final Authenticator authenticator;
    private final List<Entry> entries = new ArrayList<>();

    public Router(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    public Router add(Routes routes) {
        routes.register(this);
        return this;
    }

    public void get(String pattern, Access access, Endpoint endpoint) {
        route("GET", pattern, access, endpoint);
    }

    public void post(String pattern, Access access, Endpoint endpoint) {
        route("POST", pattern, access, endpoint);
    }

    public void put(String pattern, Access access, Endpoint endpoint) {
        route("PUT", pattern, access, endpoint);
    }

    public void delete(String pattern, Access access, Endpoint endpoint) {
        route("DELETE", pattern, access, endpoint);
    }

    public void route(String method, String pattern, Access access, Endpoint endpoint) {
        List<String> names = new ArrayList<>();
        Matcher m = PARAM.matcher(pattern);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(pattern.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(pattern.substring(last)));
        entries.add(new Entry(new Route(method, pattern, access), Pattern.compile(regex.toString()), names, endpoint));
    }

    /** Every registered route (the OpenAPI document is checked against this list). */
    public List<Route> routes() {
        return entries.stream().map(Entry::route).toList();
    }

    public ApiResponse handle(ApiRequest request) {
        try {
            boolean pathKnown = false;
            for (Entry e : entries) {
                Matcher m = e.regex.matcher(request.path());
                if (!m.matches()) continue;
                pathKnown = true;
                if (!e.route.method().equals(request.method())) continue;
                Map<String, String> params = new LinkedHashMap<>();
                for (int i = 0; i < e.names.size(); i++) {
                    params.put(e.names.get(i), java.net.URLDecoder.decode(m.group(i + 1), java.nio.charset.StandardCharsets.UTF_8));
                }
                Caller caller = e.route.access() == Access.PUBLIC ? null : authenticator.authenticate(bearer(request));
                if (e.route.access() == Access.ADMIN) caller.requireAdmin();
                return e.endpoint.handle(caller, request.withPathParams(params));
            }
            if (pathKnown) return new ApiException(405, "method_not_allowed", request.method() + " is not allowed here", null).response();
            return ApiException.notFound("endpoint").response();
        } catch (ApiException e) {
            return e.response();
        }
    }

    private static String bearer(ApiRequest request) {
        String header = request.header("authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) throw ApiException.unauthorized();
        return header.substring(7).strip();
    }
}
