// Lines for stderr: every diagnostic passes through safeText, so text echoed from input or results files
// (long expressions, escape sequences, bidi overrides) is bounded and shown as escapes.
import { MAX_MESSAGE_CHARS, safeText } from '../text';

/** Writes one diagnostic line to stderr, made safe to show. */
export function say(line: string): void {
  process.stderr.write(`${safeText(line, MAX_MESSAGE_CHARS, true)}\n`);
}
