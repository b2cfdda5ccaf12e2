import pino from 'pino';

/**
 * Standard output for the logs: pino's own destination (sonic-boom: asynchronous, the
 * lines waiting are written at exit), holding the lines that wait behind a write as
 * buffers. In its default text mode sonic-boom appends each line to the text waiting and
 * first measures that text's length in bytes, which copies it whole: with n lines waiting
 * behind a slow reader of stdout, each line copies the ones before it, a cost that grows
 * with the load (docs/benchmarks.md, "What a `GET /me` allocates"). Here a line is encoded
 * once, and the lines waiting are joined once per write. The bytes written are the same.
 */
export function stdoutDestination(): pino.DestinationStream & { flush(cb?: (err?: Error) => void): void } {
  const stream = pino.destination({ dest: 1, contentMode: 'buffer' });
  return {
    write: (line: string) => stream.write(Buffer.from(line, 'utf8') as unknown as string),
    flush: (cb) => stream.flush(cb),
  };
}
