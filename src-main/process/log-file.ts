import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { dirname } from 'node:path'

/** An append-only log file with a timestamp per line; used for child-process output. */
export class LogFile {
  private readonly stream: WriteStream
  private tail: string[] = []
  /** How many of the last lines {@link lastLines} can give (for error messages). */
  static readonly TAIL_LINES = 5

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true })
    this.stream = createWriteStream(path, { flags: 'a' })
  }

  line(text: string): void {
    for (const l of text.split('\n')) {
      if (!l.trim()) continue
      this.stream.write(`${new Date().toISOString()} ${l}\n`)
      this.tail.push(l)
    }
    if (this.tail.length > LogFile.TAIL_LINES) this.tail = this.tail.slice(-LogFile.TAIL_LINES)
  }

  /** The last lines written, oldest first; `forget()` starts over (e.g. for a new child process). */
  lastLines(): readonly string[] {
    return this.tail
  }

  forget(): void {
    this.tail = []
  }

  /** Pipe a child stream into the log, line by line. */
  attach(source: NodeJS.ReadableStream | null | undefined, prefix = ''): void {
    source?.on('data', (chunk: Buffer) => this.line(prefix + chunk.toString('utf8').trimEnd()))
  }

  close(): Promise<void> {
    return new Promise((r) => this.stream.end(r))
  }
}
