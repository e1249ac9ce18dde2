package dev.tgdesk.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

/**
 * An {@link HttpClient} that counts the Bot API calls made through it, by method ({@code sendMessage},
 * {@code getFile}, … ; {@code file} for file downloads), and otherwise does what the wrapped client does.
 */
final class CountingHttpClient extends HttpClient {

    private final HttpClient delegate;
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    CountingHttpClient(HttpClient delegate) {
        this.delegate = delegate;
    }

    private void count(HttpRequest request) {
        String path = request.uri().getPath();
        String method = path.startsWith("/file/") ? "file" : path.substring(path.lastIndexOf('/') + 1);
        calls.computeIfAbsent(method, k -> new LongAdder()).increment();
    }

    Map<String, Double> snapshot() {
        Map<String, Double> out = new TreeMap<>();
        calls.forEach((k, v) -> {
            if (v.sum() > 0) out.put(k, v.doubleValue());
        });
        return out;
    }

    void reset() {
        calls.clear();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        count(request);
        return delegate.send(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        count(request);
        return delegate.sendAsync(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        count(request);
        return delegate.sendAsync(request, handler, push);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }

    @Override
    public void shutdownNow() {
        delegate.shutdownNow();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
