// Text that came from a user or a file, made safe to show: escaped terminal control and bidirectional
// format characters (ESC sequences, U+202E) and a bounded length, so an echoed 4,000-character activation
// or a crafted results file cannot flood, recolour or reorder a terminal line, or break an SVG.

/** Control (Cc), format (Cf: bidi overrides, zero-width marks) and line/paragraph separator characters. */
const UNSAFE_CLASS = '[\\p{Cc}\\p{Cf}\\u2028\\u2029]';
const UNSAFE = new RegExp(UNSAFE_CLASS, 'u');
const UNSAFE_ALL = new RegExp(UNSAFE_CLASS, 'gu');
const UNSAFE_BUT_NEWLINE = new RegExp(`(?!\\n)${UNSAFE_CLASS}`, 'gu');

/** The longest message shown whole; a longer one keeps its start (the field) and end (the fix). */
export const MAX_MESSAGE_CHARS = 1200;

const asEscape = (c: string) => `\\u{${(c.codePointAt(0) as number).toString(16)}}`;

/** Whether `text` holds a character that `safeText` would escape. */
export const hasUnsafeChars = (text: string): boolean => UNSAFE.test(text);

/**
 * `text` with every unsafe character written as `\u{…}` (newlines kept when `keepNewlines`) and, past
 * `max` characters, its middle replaced by a note of how much was left out.
 */
export function safeText(text: string, max = MAX_MESSAGE_CHARS, keepNewlines = false): string {
  const escaped = text.replace(keepNewlines ? UNSAFE_BUT_NEWLINE : UNSAFE_ALL, asEscape);
  if (escaped.length <= max) return escaped;
  const head = Math.ceil(max * 0.6);
  const tail = max - head;
  const left = escaped.length - head - tail;
  return `${escaped.slice(0, head)}…[${left} characters left out]…${escaped.slice(escaped.length - tail)}`;
}

/**
 * The message of anything thrown (an Error, a string, a null-prototype object, a throwing getter), never
 * itself throwing: a user callback can throw anything.
 */
export function thrownText(e: unknown): string {
  try {
    if (e instanceof Error) return String(e.message);
    if (typeof e === 'string') return e;
    return String(e);
  } catch {
    try {
      return Object.prototype.toString.call(e);
    } catch {
      return 'a value that cannot be shown';
    }
  }
}

/** Could the JSON text `line` hold an unsafe character (literal, or written as an escape)? A quick filter. */
const MAY_HOLD_UNSAFE = new RegExp(`\\\\u|\\\\[bfnrt]|${UNSAFE_CLASS}`, 'u');
export const mayHoldUnsafeChars = (line: string): boolean => MAY_HOLD_UNSAFE.test(line);

/** The first string (key or value) inside `value` that holds an unsafe character, if any; iterative, for any depth. */
export function firstUnsafeString(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (hasUnsafeChars(v)) return v;
    } else if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) {
        for (const item of v) if (item !== null && typeof item !== 'number') stack.push(item);
      } else
        for (const [k, item] of Object.entries(v)) {
          if (hasUnsafeChars(k)) return k;
          stack.push(item);
        }
    }
  }
  return undefined;
}
