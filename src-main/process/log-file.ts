import { mkdirSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { createStream, type RotatingFileStream } from 'rotating-file-stream'
import { DEFAULT_LOG_LEVEL, passes, stripAnsi, type LogLevel } from '../../src-shared/log/log-level'

export interface LogFileOptions {
  /** Past this size the file is rotated (`worker.log` → `worker.log.1` …), in rotating-file-stream's units. */
  maxSize?: `${number}${'B' | 'K' | 'M' | 'G'}`
  /** How many rotated files are kept beside the live one; older ones are deleted. */
  keep?: number
  /** Lines below this level ({@link LogFile.log}) are dropped; raw child output ({@link LogFile.line}) is kept. */
  threshold?: LogLevel
}

/**
 * The one log writer of main, the worker and the Temporal dev server: a timestamp per line, terminal colours
 * stripped, and the file rotated by size so a chatty server cannot fill the disk. It remembers its last lines
 * for error messages ("it said: …").
 */
export class LogFile {
  static readonly MAX_SIZE = '10M'
  static readonly KEEP = 5
  /** How many of the last lines {@link lastLines} can give (for error messages). */
  static readonly TAIL_LINES = 5

  private readonly stream: RotatingFileStream
  private readonly threshold: LogLevel
  private tail: string[] = []

  constructor(
    readonly path: string,
    options: LogFileOptions = {}
  ) {
    mkdirSync(dirname(path), { recursive: true })
    this.threshold = options.threshold ?? DEFAULT_LOG_LEVEL
    this.stream = createStream(basename(path), {
      path: dirname(path),
      size: options.maxSize ?? LogFile.MAX_SIZE,
      rotate: options.keep ?? LogFile.KEEP,
    })
    // A full disk or a removed logs dir must not take the app down with it.
    this.stream.on('error', () => undefined)
  }

  /** Resolves once the file has been rotated (tests; the app never waits for it). */
  rotated(): Promise<string> {
    return new Promise((resolve) => this.stream.once('rotated', resolve))
  }

  /** One line with its level, kept when the level passes the threshold. */
  log(level: LogLevel, message: string): void {
    if (passes(level, this.threshold)) this.line(`[${level}] ${message}`)
  }

  /** Raw text (a child's output), one file line per non-empty line. */
  line(text: string): void {
    for (const l of stripAnsi(text).split('\n')) {
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
    if (this.stream.writableEnded) return Promise.resolve()
    return new Promise((r) => this.stream.end(r))
  }
}
