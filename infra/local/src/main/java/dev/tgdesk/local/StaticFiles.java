package dev.tgdesk.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Static files for the local runner: the web client's folder ({@code web/}) at {@code /}, and the simulated Telegram
 * page from the classpath at {@code /telegram/}. GET and HEAD only (405 otherwise); a path ending in "/" serves its
 * {@code index.html}; every answer carries {@code Cache-Control: no-cache}, {@code X-Content-Type-Options: nosniff}
 * and {@code Referrer-Policy: no-referrer} (plus the extra headers given, e.g. a CSP).
 *
 * <p>Paths are percent-decoded once and then refused (404) when a segment is empty, {@code .}, {@code ..} or starts
 * with a dot (hidden files), or when they hold a backslash or a control character; a folder's file must also resolve,
 * symbolic links followed, to a file inside the folder. A missing folder answers 404 to everything (the web client
 * may not be written yet) and is looked for again on the next request.
 */
final class StaticFiles implements HttpHandler {

    static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"));

    private static final Pattern SAFE_CLASSPATH_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,100}");

    /** Where the files come from: a relative, already checked path → the bytes, or null when there is no such file. */
    private interface Source {
        byte[] read(String relativePath) throws IOException;

        /** Whether the path names a folder (answered with a redirect to its "/" form). */
        boolean isFolder(String relativePath);
    }

    private final String urlPrefix;
    private final Source source;
    private final Map<String, String> headers;
    private final java.util.function.Supplier<String> missingMessage;

    private StaticFiles(String urlPrefix, Source source, Map<String, String> extraHeaders,
                        java.util.function.Supplier<String> missingMessage) {
        this.urlPrefix = urlPrefix;
        this.source = source;
        this.headers = new LinkedHashMap<>();
        headers.put("Cache-Control", "no-cache");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.putAll(extraHeaders);
        this.missingMessage = missingMessage;
    }

    /** The files of {@code root} under {@code urlPrefix} (which ends with "/"). */
    static StaticFiles folder(Path root, String urlPrefix, Map<String, String> extraHeaders) {
        Path base = root.toAbsolutePath().normalize();
        return new StaticFiles(urlPrefix, new Source() {
            @Override
            public byte[] read(String relativePath) throws IOException {
                Path file = inside(base, relativePath);
                if (file == null || !Files.isRegularFile(file)) return null;
                return Files.readAllBytes(file);
            }

            @Override
            public boolean isFolder(String relativePath) {
                Path dir = inside(base, relativePath);
                return dir != null && Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("index.html"));
            }
        }, extraHeaders, () -> "Not Found" + (Files.isDirectory(base) ? "" : " (" + base + " does not exist yet)"));
    }

    /** Classpath resources {@code /<folder>/<name>} (one level, no sub-folders) under {@code urlPrefix}. */
    static StaticFiles classpath(String folder, String urlPrefix, Map<String, String> extraHeaders) {
        return new StaticFiles(urlPrefix, new Source() {
            @Override
            public byte[] read(String relativePath) throws IOException {
                if (!SAFE_CLASSPATH_NAME.matcher(relativePath).matches()) return null;
                try (InputStream in = StaticFiles.class.getResourceAsStream("/" + folder + "/" + relativePath)) {
                    return in == null ? null : in.readAllBytes();
                }
            }

            @Override
            public boolean isFolder(String relativePath) {
                return false;
            }
        }, extraHeaders, () -> "Not Found");
    }

    /** {@code relativePath} resolved in {@code base}, or null when it (or what a link in it points to) leaves base. */
    static Path inside(Path base, String relativePath) {
        Path resolved = base.resolve(relativePath).normalize();
        if (!resolved.startsWith(base)) return null;
        if (!Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) return resolved; // nothing there: a 404 anyway
        try {
            Path real = resolved.toRealPath();
            Path realBase = base.toRealPath();
            return real.startsWith(realBase) ? resolved : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The path below the prefix, percent-decoded, or null when it must not be served: a segment that is empty,
     * "." or ".." or starts with a dot, a backslash, a control character, or a broken escape.
     */
    static String relativePath(String rawPath, String urlPrefix) {
        if (rawPath == null || !rawPath.startsWith(urlPrefix)) return null;
        String decoded = percentDecode(rawPath.substring(urlPrefix.length()));
        if (decoded == null) return null;
        if (decoded.isEmpty() || decoded.endsWith("/")) decoded = decoded + "index.html";
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') return null;
        }
        for (String segment : decoded.split("/", -1)) {
            if (segment.isEmpty() || segment.startsWith(".")) return null;
        }
        return decoded;
    }

    /** Strict percent-decoding as UTF-8 ("+" stays "+"); null for a broken escape or invalid UTF-8. */
    static String percentDecode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) return null;
                int hi = Character.digit(raw.charAt(i + 1), 16), lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c > 0x7f) {
                return null; // a raw path is ASCII
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    static String contentType(String path) {
        int slash = path.lastIndexOf('/'), dot = path.lastIndexOf('.');
        String ext = dot > slash ? path.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
        return CONTENT_TYPES.getOrDefault(ext, "application/octet-stream");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                text(exchange, 405, "Method Not Allowed", false);
                return;
            }
            String rawPath = exchange.getRequestURI().getRawPath();
            String relative = relativePath(rawPath, urlPrefix);
            byte[] body = relative == null ? null : source.read(relative);
            if (body == null) {
                if (relative != null && !relative.endsWith("index.html") && source.isFolder(relative)) {
                    exchange.getResponseHeaders().set("Location", rawPath + "/");
                    text(exchange, 301, "Moved Permanently", head);
                    return;
                }
                text(exchange, 404, missingMessage.get(), head);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", contentType(relative));
            send(exchange, 200, body, head);
        }
    }

    private static void text(HttpExchange exchange, int status, String message, boolean head) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(exchange, status, (message + "\n").getBytes(StandardCharsets.UTF_8), head);
    }

    private static void send(HttpExchange exchange, int status, byte[] body, boolean head) throws IOException {
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) exchange.getResponseBody().write(body);
    }
}
