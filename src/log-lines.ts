/** How the command writes its log: plain lines, or one JSON object a line for a log collector (`--log-format`). */

export type LogLevel = 'info' | 'error';

/** One JSON object a line: `{"time":"<ISO 8601>","level":"info","msg":"…"}`; a multi-line message stays one line. */
export function jsonLine(msg: string, level: LogLevel = 'info', now: Date = new Date()): string {
  return `${JSON.stringify({ time: now.toISOString(), level, msg })}\n`;
}

/** A log function for `format`: text goes to the console as it always did, JSON lines to stdout. */
export function logFor(format: 'text' | 'json', write = (s: string) => void process.stdout.write(s)) {
  return format === 'json' ? (msg: string) => write(jsonLine(msg)) : (msg: string) => console.log(msg);
}
