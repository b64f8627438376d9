import { Writable } from 'node:stream';

/** A stream that keeps every line written to it: a pino destination whose output a test reads. */
export class LineSink extends Writable {
  readonly lines: string[] = [];

  constructor() {
    super({
      write: (chunk: Buffer, _encoding, done) => {
        this.lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
  }

  /** Every line parsed as JSON (pino writes one object per line). */
  records<T = Record<string, unknown>>(): T[] {
    return this.lines.map((line) => JSON.parse(line) as T);
  }
}
