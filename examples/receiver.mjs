// A webhook consumer that verifies optline's signatures: node examples/receiver.mjs
// Needs OPTLINE_SIGNING_SECRET (the whsec_... answered when the callback was created) and the
// standardwebhooks package (`npm install standardwebhooks`; optline's checkout already has it).
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const secret = process.env.OPTLINE_SIGNING_SECRET;
if (!secret?.startsWith('whsec_')) {
  console.error('Set OPTLINE_SIGNING_SECRET to the signingSecret (whsec_...) of your callback');
  process.exit(1);
}
const wh = new Webhook(secret);
const port = Number(process.env.RECEIVER_PORT ?? 8080);
const seen = new Set(); // batch ids already handled; use a durable store in production

createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    let batch;
    try {
      // Verify the raw body exactly as received: throws on a bad signature or a timestamp off by more than 5 minutes.
      batch = wh.verify(body, req.headers);
    } catch (error) {
      console.log('rejected a request:', error.message);
      res.writeHead(401).end();
      return;
    }
    const id = req.headers['webhook-id']; // equals batch.batchId, and stays the same on every retry of the batch
    if (!seen.has(id)) {
      seen.add(id);
      for (const event of batch.events) {
        const consent = event.consent ? ` ${event.consent.channel} ${event.consent.topic} ${event.consent.status}` : '';
        console.log(`verified ${batch.replay ? 'replay' : 'webhook'} ${id}: ${event.eventType} customer ${event.customerId}${consent}`);
      }
    }
    res.writeHead(204).end(); // any 2xx acknowledges the batch
  });
}).listen(port, () => console.log(`receiver listening on http://localhost:${port}/optline`));
