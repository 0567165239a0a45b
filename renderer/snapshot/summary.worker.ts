/**
 * Parses a snapshot off the page's main thread: a 20 MB snapshot takes seconds to parse, during which
 * the window would freeze. Receives the YAML, answers with its summary (or the parse problem).
 */
import { summarizeYaml } from './summary.ts';

self.onmessage = (message: MessageEvent<string>) => self.postMessage(summarizeYaml(message.data));
