import { unsupportedNodeMessage } from './util/node-version';

/**
 * Imported first by both entry points (instrumentation.ts, which `npm start` and the image `--require`, and main.ts):
 * on an older Node, undici dies while loading with a TypeError that names no version, so refuse before it loads.
 */
const message = unsupportedNodeMessage(process.versions.node, process.execPath);
if (message !== undefined) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
