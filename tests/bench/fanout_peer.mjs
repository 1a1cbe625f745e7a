// The peer of scripts/bench-fanout: a broadcast server written the way people write one with
// the npm `ws` package (its README's "broadcast to all clients" pattern, per channel), so that
// stagehub's fan-out figures have a well-known yardstick measured the same way on this machine.
//
//   node fanout_peer.mjs PORT [SNAPSHOT_FILE]
//
// Listens on 127.0.0.1:PORT (0: any free port) and prints "serving on http://127.0.0.1:PORT/".
// Websocket on /ws: {"type":"subscribe","channels":[...]} adds the socket to those channels and
// is answered with a snapshot: SNAPSHOT_FILE's JSON (a snapshot stagehub sent, so both servers
// write the same bytes) with a fresh rev and server_time, or a small stand-in without one.
// POST /publish with a JSON message that names its "channel" (a delta stagehub sent): stamps
// server_time and rev, serialises once and sends the text to every subscriber of the channel;
// answers 200 {"sent": N}.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { WebSocketServer, WebSocket } from 'ws';

const port = Number(process.argv[2] ?? 0);
const snapshotFile = process.argv[3];
const snapshot = snapshotFile
  ? JSON.parse(readFileSync(snapshotFile, 'utf8'))
  : { type: 'snapshot', event: { sessions: [] } };

let rev = 0;
const channels = new Map(); // channel name -> Set of sockets

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/publish') {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not_found"}');
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let message;
    try {
      message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"bad_json"}');
      return;
    }
    message.rev = ++rev;
    message.server_time = new Date().toISOString();
    const data = JSON.stringify(message);
    let sent = 0;
    for (const socket of channels.get(message.channel) ?? []) {
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(data);
        sent++;
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sent }));
  });
});

// perMessageDeflate off, as ws defaults to on servers; stagehub does not compress either.
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
wss.on('connection', (socket) => {
  const joined = new Set();
  socket.on('message', (raw) => {
    let request;
    try {
      request = JSON.parse(raw.toString('utf8'));
    } catch {
      return;
    }
    if (request.type !== 'subscribe' || !Array.isArray(request.channels)) return;
    for (const name of request.channels) {
      if (typeof name !== 'string') continue;
      if (!channels.has(name)) channels.set(name, new Set());
      channels.get(name).add(socket);
      joined.add(name);
      socket.send(
        JSON.stringify({
          ...snapshot,
          channel: name,
          type: 'snapshot',
          rev,
          server_time: new Date().toISOString(),
        }),
      );
    }
  });
  socket.on('close', () => {
    for (const name of joined) channels.get(name)?.delete(socket);
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`serving on http://127.0.0.1:${server.address().port}/`);
});
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
