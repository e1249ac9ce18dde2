// The WebSocket side of docs/realtime.md: a single-use ticket over REST, then `url?ticket=…`; frames
// {"type":"events"} are handed to onEvents; a ping every 5 minutes (API Gateway drops connections idle for 10);
// reconnects by itself with exponential backoff and full jitter. The per-dialog cursor logic lives with the
// dialog view (dialog.js); this module only tells when a connection came back (onReconnect) so callers can catch up.

const PING_EVERY = 5 * 60 * 1000;
const PONG_TIMEOUT = 20 * 1000;
const BACKOFF_MIN = 1000;
const BACKOFF_MAX = 30 * 1000;

export class Realtime {
  /**
   * getTicket: () => Promise<{ticket, url}>; onEvents(events[]); onState('online'|'connecting'|'offline');
   * onReconnect(): a connection opened after an earlier one was lost (catch up!); onFatal(err): stop (401).
   */
  constructor({ getTicket, onEvents, onState, onReconnect, onFatal }) {
    Object.assign(this, { getTicket, onEvents, onState, onReconnect, onFatal });
    this.ws = null;
    this.stopped = true;
    this.attempts = 0;
    this.everOpen = false;
    this.timer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.state = 'offline';
    this._online = () => { if (!this.stopped && !this.ws && !this.fetching) { clearTimeout(this.timer); this.attempts = 0; this.connect(); } };
    // The browser says the network is gone: a socket may look open for minutes, so drop it now.
    this._offline = () => { if (this.ws) this.ws.close(); this.setState('offline'); };
    this._visible = () => { if (document.visibilityState === 'visible') this.ping(); };
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this._online);
    window.addEventListener('offline', this._offline);
    document.addEventListener('visibilitychange', this._visible);
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopPing();
    window.removeEventListener('online', this._online);
    window.removeEventListener('offline', this._offline);
    document.removeEventListener('visibilitychange', this._visible);
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000);
    this.everOpen = false;
    this.setState('offline');
  }

  setState(s) {
    if (this.state === s) return;
    this.state = s;
    this.onState(s);
  }

  async connect() {
    if (this.stopped || this.ws || this.fetching) return;
    this.setState('connecting');
    let t;
    this.fetching = true; // a ticket request in flight: an 'online' event must not start a second one
    try {
      t = await this.getTicket();
    } catch (e) {
      if (e.status === 401) { this.onFatal(e); return; }
      this.retry();
      return;
    } finally {
      this.fetching = false;
    }
    if (this.stopped || this.ws) return;
    if (!t || !t.url) { this.retry(); return; } // the deployment has no WebSocket API configured
    const url = t.url + (t.url.includes('?') ? '&' : '?') + 'ticket=' + encodeURIComponent(t.ticket);
    let ws;
    try { ws = new WebSocket(url); } catch { this.retry(); return; }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempts = 0;
      this.setState('online');
      this.startPing();
      const again = this.everOpen;
      this.everOpen = true;
      this.onReconnect(again);
    };
    ws.onmessage = (m) => {
      if (this.ws !== ws) return;
      let frame;
      try { frame = JSON.parse(m.data); } catch { return; }
      if (frame.type === 'events' && Array.isArray(frame.events)) this.onEvents(frame.events);
      else if (frame.type === 'pong') clearTimeout(this.pongTimer);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopPing();
      this.setState('offline');
      this.retry();
    };
    ws.onerror = () => { /* onclose follows */ };
  }

  /** Next attempt after 1 s, 2 s, 4 s … 30 s, each randomised to [d/2, d) so reconnecting browsers spread out. */
  retry() {
    if (this.stopped) return;
    this.setState('offline');
    const d = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** this.attempts++);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), d / 2 + Math.random() * d / 2);
  }

  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => this.ping(), PING_EVERY);
  }

  stopPing() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  /** A ping that must be answered: a connection that silently died is closed (and reconnected). */
  ping() {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    try { ws.send('{"type":"ping"}'); } catch { return; }
    clearTimeout(this.pongTimer);
    this.pongTimer = setTimeout(() => { if (this.ws === ws) ws.close(); }, PONG_TIMEOUT);
  }
}
