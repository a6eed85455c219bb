// A TCP front for two backends, standing in for a Kubernetes Service during a rolling update: each new connection
// goes to the current target; existing ones stay where they are (kube-proxy's conntrack keeps them). It runs in its
// own process because kube-proxy forwards in the kernel: sharing the test's event loop (busy generating the load)
// would hold requests in user space for milliseconds, a delay no Service adds.
//
// IPC in: {listen: oldPort} → {port}; {target: port}; {mark: marginMs}; {counts: true} → {counts}.
// From `mark` on (plus the margin), the Connection headers of the old backend's answers are counted, and a connection
// of the old backend that closed while a request on it was unanswered is recorded with how long it had been idle.
import { createServer, connect } from 'node:net';

let oldPort = 0;
let target = 0;
let markedAt = Number.POSITIVE_INFINITY;
const sockets = new Set();
const counts = { close: 0, 'keep-alive': 0, cutWhileSending: [] };

function pipe(client) {
  const port = target;
  const upstream = connect(port, '127.0.0.1');
  for (const socket of [client, upstream]) {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  }
  if (port === oldPort) watchOld(client, upstream);
  // Half-closes travel as they came (a server's FIN reaches the client as a FIN); a reset tears both sides down.
  client.pipe(upstream);
  upstream.pipe(client);
  upstream.once('close', () => client.destroy());
  client.once('close', () => upstream.destroy());
}

function watchOld(client, upstream) {
  let lastAnswerAt = performance.now();
  let sentAt = 0;
  client.on('data', () => {
    if (sentAt === 0) sentAt = performance.now();
  });
  upstream.on('data', (data) => {
    lastAnswerAt = performance.now();
    sentAt = 0;
    if (performance.now() < markedAt) return;
    for (const match of data.toString('latin1').matchAll(/\r\nconnection: (close|keep-alive)\r\n/gi)) {
      counts[match[1].toLowerCase()]++;
    }
  });
  let clientClosed = false;
  client.once('close', () => (clientClosed = true));
  // 'close', not 'end': a server that closes with a request unread in its receive buffer sends a reset, not a FIN.
  upstream.once('close', () => {
    if (clientClosed || sentAt === 0) return;
    counts.cutWhileSending.push({ idleMs: Math.round(sentAt - lastAnswerAt), waitedMs: Math.round(performance.now() - sentAt) });
  });
}

const server = createServer(pipe);
process.on('message', (message) => {
  if (message.listen !== undefined) {
    oldPort = target = message.listen;
    server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  } else if (message.target !== undefined) {
    target = message.target;
  } else if (message.mark !== undefined) {
    markedAt = performance.now() + message.mark;
  } else if (message.counts) {
    process.send({ counts });
  }
});
process.on('disconnect', () => {
  for (const socket of sockets) socket.destroy();
  server.close();
  process.exit(0);
});
