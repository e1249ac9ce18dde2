package dev.tgdesk.local.browser;

import java.util.List;
import java.util.Map;

/**
 * What a page did that a test must see: installed in every tab with CDP's
 * {@code Page.addScriptToEvaluateOnNewDocument}, so it runs in every document (frames included) before the page's own
 * scripts, and records
 * <ul>
 *   <li>{@code error}: uncaught exceptions ({@code window} "error" events with an ErrorEvent);</li>
 *   <li>{@code rejection}: unhandled promise rejections;</li>
 *   <li>{@code console.error}: calls of {@code console.error};</li>
 *   <li>{@code resource}: elements whose load failed (captured "error" events on an img/script/link/…, with its URL)
 *       — an {@code <img src=x>} that reached the DOM shows up here even without its handler running;</li>
 *   <li>{@code alert}, {@code confirm}, {@code prompt}: calls of those; {@code alert} is swallowed (no dialog, so an
 *       injected {@code alert(1)} is recorded instead of blocking the driver), the other two still open the real
 *       dialog after being recorded.</li>
 * </ul>
 * Records are kept in {@code window.__tgdeskProbe} and mirrored into sessionStorage, so they survive reloads within
 * the tab; {@link Tab#probe()} reads the union.
 */
public final class Probe {

    private Probe() {
    }

    /** One recorded event. */
    public record Event(String kind, String message, String url) {

        static Event of(Object raw) {
            if (!(raw instanceof Map<?, ?> m)) return new Event("unknown", String.valueOf(raw), "");
            return new Event(String.valueOf(m.get("kind")), String.valueOf(m.get("message")), String.valueOf(m.get("url")));
        }

        public boolean isJsError() {
            return kind.equals("error") || kind.equals("rejection");
        }

        public boolean isDialog() {
            return kind.equals("alert") || kind.equals("confirm") || kind.equals("prompt");
        }

        @Override
        public String toString() {
            return kind + ": " + message + (url.isEmpty() || url.equals("null") ? "" : " @ " + url);
        }
    }

    static final String KEY = "__tgdesk_probe";

    /** Runs in every new document of a tab before its own scripts. */
    static final String SCRIPT = """
            (() => {
              if (window.__tgdeskProbe) return;
              const KEY = '%s';
              const mem = [];
              Object.defineProperty(window, '__tgdeskProbe', { value: mem, enumerable: false });
              const str = v => { try { return v instanceof Error ? (v.stack || String(v)) : typeof v === 'string' ? v : JSON.stringify(v); } catch (e) { return String(v); } };
              const record = (kind, message, url) => {
                const e = { id: Date.now() + ':' + Math.random(), kind, message: String(message).slice(0, 2000), url: String(url || location.href) };
                mem.push(e);
                try { const all = JSON.parse(sessionStorage.getItem(KEY) || '[]'); all.push(e); sessionStorage.setItem(KEY, JSON.stringify(all)); } catch (ignored) {}
              };
              window.addEventListener('error', ev => {
                const t = ev.target;
                if (t && t !== window && t.tagName) {
                  record('resource', '<' + t.tagName.toLowerCase() + '> failed to load', t.currentSrc || t.src || t.href || t.getAttribute('src') || '');
                } else {
                  record('error', ev.message || str(ev.error), (ev.filename || '') + ':' + (ev.lineno || 0) + ':' + (ev.colno || 0));
                }
              }, true);
              window.addEventListener('unhandledrejection', ev => record('rejection', str(ev.reason), ''));
              const consoleError = console.error.bind(console);
              console.error = (...args) => { record('console.error', args.map(str).join(' '), ''); consoleError(...args); };
              const nativeConfirm = window.confirm.bind(window), nativePrompt = window.prompt.bind(window);
              window.alert = m => { record('alert', m, ''); };
              window.confirm = m => { record('confirm', m, ''); return nativeConfirm(m); };
              window.prompt = (m, d) => { record('prompt', m, ''); return nativePrompt(m, d); };
            })();
            """.formatted(KEY);

    /** Reads the union of the window's and sessionStorage's records, oldest first. */
    static final String READ = """
            const KEY = '%s';
            let stored = [];
            try { stored = JSON.parse(sessionStorage.getItem(KEY) || '[]'); } catch (ignored) {}
            const mem = window.__tgdeskProbe || [];
            const seen = new Set(stored.map(e => e.id));
            return stored.concat(mem.filter(e => !seen.has(e.id)));
            """.formatted(KEY);

    static final String CLEAR = """
            try { sessionStorage.removeItem('%s'); } catch (ignored) {}
            if (window.__tgdeskProbe) window.__tgdeskProbe.length = 0;
            """.formatted(KEY);

    static List<Event> parse(Object raw) {
        if (!(raw instanceof List<?> list)) return List.of();
        return list.stream().map(Event::of).toList();
    }
}
