package dev.tgdesk.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web client's files at {@code /} and the simulator page at {@code /telegram/} as the local API Gateway serves
 * them: content types and headers, GET/HEAD only, 404s, and no way out of the folder (raw requests over a socket, so
 * nothing normalises the path on the way). The API routes and the local endpoints keep working next to them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StaticFilesTest {

    @TempDir
    static Path tmp;
    Path web;
    ApiGatewayServer api;

    @BeforeAll
    void start() throws IOException {
        web = Files.createDirectories(tmp.resolve("web"));
        Files.writeString(web.resolve("index.html"), "<!doctype html><title>inbox</title>");
        Files.writeString(web.resolve("app.js"), "export const x = 1;");
        Files.writeString(web.resolve("mod.mjs"), "export {};");
        Files.writeString(web.resolve("style.css"), "body{}");
        Files.writeString(web.resolve("data.json"), "{}");
        Files.writeString(web.resolve("logo.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
        Files.write(web.resolve("logo.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G'});
        Files.write(web.resolve("favicon.ico"), new byte[]{0, 0, 1, 0});
        Files.write(web.resolve("font.woff2"), new byte[]{'w', 'O', 'F', '2'});
        Files.write(web.resolve("blob.bin"), new byte[]{1, 2, 3});
        Files.writeString(web.resolve(".env"), "SECRET=1");
        Files.createDirectories(web.resolve("docs"));
        Files.writeString(web.resolve("docs/index.html"), "docs");
        Files.writeString(web.resolve("docs/a b.txt"), "spaced");
        Files.writeString(tmp.resolve("secret.txt"), "outside the web folder");
        Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(tmp.resolve("outside/index.html"), "outside");
        Files.createSymbolicLink(web.resolve("escape"), tmp.resolve("outside"));
        Files.createSymbolicLink(web.resolve("secret-link.txt"), tmp.resolve("secret.txt"));

        RequestStreamHandler echo = (in, out, ctx) -> out.write("{\"statusCode\":200,\"body\":\"from the function\"}".getBytes(StandardCharsets.UTF_8));
        api = new ApiGatewayServer("127.0.0.1", 0, List.of(new ApiGatewayServer.Route("POST", "/telegram/webhook", "Hook"),
                new ApiGatewayServer.Route("ANY", "/api/{proxy+}", "Api")), Map.of("Hook", echo, "Api", echo));
        StaticFiles files = StaticFiles.folder(web, "/", Map.of());
        api.setFallback(files);
        StaticFiles page = StaticFiles.classpath("simulator", "/telegram/", Map.of("Content-Security-Policy", LocalRuntime.SIMULATOR_CSP));
        api.addContext("/telegram", exchange -> {
            if (exchange.getRequestURI().getRawPath().startsWith("/telegram/")) page.handle(exchange);
            else files.handle(exchange);
        });
        api.addContext("/local/sim/", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(204, -1);
            }
        });
    }

    @AfterAll
    void stop() {
        if (api != null) api.close();
    }

    @Test
    void theWebFolderIsServedWithItsContentTypesAndSafeHeaders() throws IOException {
        Response index = request("GET", "/");
        assertEquals(200, index.status);
        assertEquals("text/html; charset=utf-8", index.header("content-type"));
        assertEquals("<!doctype html><title>inbox</title>", index.body);
        assertEquals("no-cache", index.header("cache-control"));
        assertEquals("nosniff", index.header("x-content-type-options"));
        assertEquals("no-referrer", index.header("referrer-policy"));
        assertEquals(200, request("GET", "/index.html").status);
        Map<String, String> types = Map.of("/app.js", "text/javascript; charset=utf-8", "/mod.mjs", "text/javascript; charset=utf-8",
                "/style.css", "text/css; charset=utf-8", "/data.json", "application/json", "/logo.svg", "image/svg+xml",
                "/logo.png", "image/png", "/favicon.ico", "image/x-icon", "/font.woff2", "font/woff2",
                "/blob.bin", "application/octet-stream");
        types.forEach((path, type) -> {
            try {
                Response r = request("GET", path);
                assertEquals(200, r.status, path);
                assertEquals(type, r.header("content-type"), path);
                assertEquals("nosniff", r.header("x-content-type-options"), path);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals("spaced", request("GET", "/docs/a%20b.txt").body);
        assertEquals("docs", request("GET", "/docs/").body, "a folder's index.html");
        Response folder = request("GET", "/docs");
        assertEquals(301, folder.status);
        assertEquals("/docs/", folder.header("location"));
        assertEquals(200, request("GET", "/app.js?v=3").status, "a query string is not part of the file name");
    }

    @Test
    void onlyGetAndHeadAreServed() throws IOException {
        Response head = request("HEAD", "/app.js");
        assertEquals(200, head.status);
        assertEquals("", head.body);
        assertEquals("19", head.header("content-length"));
        assertEquals("text/javascript; charset=utf-8", head.header("content-type"));
        for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
            // the page's own context refuses other methods; at / they are API Gateway's 404 (no such route)
            Response page = request(method, "/telegram/index.html");
            assertEquals(405, page.status, method);
            assertEquals("GET, HEAD", page.header("allow"), method);
            Response root = request(method, "/index.html");
            assertEquals(404, root.status, method);
            assertEquals("{\"message\":\"Not Found\"}", root.body, method);
        }
    }

    @Test
    void missingFilesAre404() throws IOException {
        for (String path : List.of("/nope.html", "/docs/nope", "/nope/")) {
            Response r = request("GET", path);
            assertEquals(404, r.status, path);
            assertEquals("nosniff", r.header("x-content-type-options"));
        }
        assertEquals(404, request("HEAD", "/nope.html").status);
    }

    @Test
    void nothingOutsideTheFolderNorHiddenIsServed() throws IOException {
        for (String path : List.of("/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                "/docs/../../secret.txt", "/docs/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt", "/docs/..%5c..%5csecret.txt",
                "//etc/passwd", "/%2Fetc%2Fpasswd", "/docs//index.html", "/.env", "/%2eenv", "/docs/./index.html",
                "/escape/index.html", "/escape/", "/secret-link.txt", "/index.html%00.png", "/%zz", "/%c0%ae%c0%ae/secret.txt",
                "/C:%5Cwindows", "/%E2%80%AE")) {
            Response r = request("GET", path);
            // 404 from the files; a path the JDK's server cannot even parse (/%zz) is its own 400
            assertTrue(r.status == 404 || r.status == 400 && path.equals("/%zz"), path + " → " + r.status + " " + r.body);
            assertFalse(r.body.contains("outside"), path);
        }
        assertNull(StaticFiles.relativePath("/docs/../../x", "/"));
        assertEquals("docs/index.html", StaticFiles.relativePath("/docs/", "/"));
        assertNull(StaticFiles.inside(web.toAbsolutePath(), "../secret.txt"));
        assertNull(StaticFiles.inside(web.toAbsolutePath(), "escape/index.html"), "a link out of the folder");
    }

    @Test
    void routesAndLocalEndpointsWinOverTheFiles() throws IOException {
        assertEquals("from the function", request("POST", "/telegram/webhook").body);
        assertEquals("{\"message\":\"Not Found\"}", request("GET", "/telegram/webhook").body, "API Gateway's 404, not a file lookup");
        assertEquals("from the function", request("GET", "/api/dialogs").body);
        assertEquals("from the function", request("DELETE", "/api/anything/else").body);
        assertEquals(204, request("GET", "/local/sim/state").status);
        Response invoke = request("POST", "/2015-03-31/functions/Nope/invocations");
        assertEquals(404, invoke.status);
        assertTrue(invoke.body.contains("Function not found"), invoke.body);
    }

    @Test
    void theSimulatorPageComesFromTheClasspathWithItsPolicy() throws IOException {
        Response page = request("GET", "/telegram/");
        assertEquals(200, page.status);
        assertEquals("text/html; charset=utf-8", page.header("content-type"));
        assertEquals(LocalRuntime.SIMULATOR_CSP, page.header("content-security-policy"));
        assertTrue(page.body.contains("http-equiv=\"Content-Security-Policy\""), "the page carries the policy too");
        for (String testId : List.of("sim-user-name", "sim-user-username", "sim-user-lang", "sim-user-create", "sim-chat-select",
                "sim-group-title", "sim-group-members", "sim-group-create", "sim-sender-select", "sim-messages", "sim-input",
                "sim-send", "sim-attach-photo", "sim-attach-document")) {
            assertTrue(page.body.contains("data-testid=\"" + testId + "\""), testId);
        }
        assertEquals("text/javascript; charset=utf-8", request("GET", "/telegram/sim.js").header("content-type"));
        assertEquals("text/css; charset=utf-8", request("GET", "/telegram/sim.css").header("content-type"));
        String script = request("GET", "/telegram/sim.js").body;
        assertFalse(script.contains("innerHTML"), "people's text goes in with textContent");
        assertFalse(script.contains("insertAdjacentHTML"));
        for (String path : List.of("/telegram/nope.js", "/telegram/../index.html", "/telegram/%2e%2e/index.html", "/telegram/a/sim.js",
                "/telegram/.hidden")) {
            assertEquals(404, request("GET", path).status, path);
        }
        assertEquals(405, request("POST", "/telegram/").status);
    }

    @Test
    void aMissingWebFolderIs404UntilItExists() throws IOException {
        Path later = tmp.resolve("later");
        StaticFiles files = StaticFiles.folder(later, "/", Map.of());
        try (ApiGatewayServer other = new ApiGatewayServer("127.0.0.1", 0, List.of(), Map.of())) {
            other.setFallback(files);
            Response missing = request(other.port(), "GET", "/");
            assertEquals(404, missing.status);
            assertTrue(missing.body.contains("does not exist yet"), missing.body);
            Files.createDirectories(later);
            Files.writeString(later.resolve("index.html"), "now");
            assertEquals("now", request(other.port(), "GET", "/").body);
        }
    }

    // ---- raw HTTP ----

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    Response request(String method, String rawPath) throws IOException {
        return request(api.port(), method, rawPath);
    }

    /** One request exactly as written (no client normalises the path), HTTP/1.0 so the server closes the connection. */
    static Response request(int port, String method, String rawPath) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            String length = method.equals("POST") || method.equals("PUT") ? "Content-Length: 0\r\n" : "";
            out.write((method + " " + rawPath + " HTTP/1.0\r\nHost: 127.0.0.1\r\n" + length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String statusLine = in.readLine();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
            StringBuilder body = new StringBuilder();
            char[] buf = new char[8192];
            for (int n; (n = in.read(buf)) > 0; ) body.append(buf, 0, n);
            return new Response(status, headers, body.toString());
        }
    }
}
