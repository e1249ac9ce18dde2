// Development only: serves web/ and proxies /api and /local to a running local stack, so the client runs
// same-origin exactly as it will behind the local runner or API Gateway. No dependencies.
//   node web/dev-server.mjs [port=3200] [api=http://127.0.0.1:3100]
// The WebSocket goes straight to the URL the ticket endpoint names (ws://127.0.0.1:<LOCAL_WS_PORT>/local).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const port = Number(process.argv[2] || process.env.PORT || 3200);
const api = new URL(process.argv[3] || process.env.API || 'http://127.0.0.1:3100');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.ico': 'image/x-icon' };

function proxy(req, res) {
  const up = http.request({ host: api.hostname, port: api.port, method: req.method, path: req.url,
    headers: { ...req.headers, host: api.host } }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', (e) => { res.writeHead(502, { 'content-type': 'application/json' }); res.end(JSON.stringify({ error: { code: 'bad_gateway', message: e.message } })); });
  req.pipe(up);
}

http.createServer((req, res) => {
  if (req.url.startsWith('/api/') || req.url.startsWith('/local/')) return proxy(req, res);
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (p.endsWith('/')) p += 'index.html';
  const file = path.normalize(path.join(root, p));
  if (!file.startsWith(root + path.sep)) { res.writeHead(403); res.end(); return; }
  fs.readFile(file, (err, data) => {
    if (err) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return; }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "frame-ancestors 'none'" });
    res.end(data);
  });
}).listen(port, '127.0.0.1', () => console.log(`tgdesk web: http://127.0.0.1:${port}/  (API ${api.origin})`));
