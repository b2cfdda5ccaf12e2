/**
 * The service's log lines as a reader of a failed test wants them: without the one line per
 * call, and each line that repeats (a job retried every 200 ms) once, with its count, so
 * that the few lines saying what became of a connection are not pushed out.
 */
export function logSummary(lines: readonly string[], count: number): string {
  const seen = new Map<string, number>();
  for (const line of lines) if (!line.includes('"method"')) seen.set(line, (seen.get(line) ?? 0) + 1);
  return [...seen]
    .slice(-count)
    .map(([line, times]) => (times > 1 ? `${line} (${times} times)` : line))
    .join('\n');
}
