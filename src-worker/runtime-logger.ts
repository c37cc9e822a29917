import {
  makeTelemetryFilterString,
  Runtime,
  type Logger,
  type LogLevel as TemporalLevel,
  type LogMetadata,
} from '@temporalio/worker'
import { passes, type LogFn, type LogLevel } from '../src-shared/log/log-level'

/** Temporal's five levels onto ours: TRACE is the SDK's most detailed debug output. */
const LEVELS: Record<TemporalLevel, LogLevel> = {
  TRACE: 'debug',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
}

/**
 * Temporal's own Runtime logger (SDK and Core messages: connection retries, slow activities, workflow task
 * failures) writing through the worker's one log function, so they land in worker.log with our levels.
 */
export class RuntimeLogger implements Logger {
  /**
   * @param threshold lines below it are dropped before they are formatted: the SDK logs every activity and
   *   workflow task at TRACE/DEBUG with metadata, and turning that into JSON only for `write` to drop it cost
   *   the worker ≈2 ms of CPU per run (a CPU profile of bench/profile-run.ts; issue #17 item 6).
   */
  constructor(
    private readonly write: LogFn,
    private readonly threshold: LogLevel = 'debug'
  ) {}

  log(level: TemporalLevel, message: string, meta?: LogMetadata): void {
    if (!passes(LEVELS[level], this.threshold)) return
    const component = typeof meta?.sdkComponent === 'string' ? `[temporal:${meta.sdkComponent}]` : '[temporal]'
    this.write(LEVELS[level], `${component} ${message}${details(meta)}`)
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta)
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta)
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta)
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta)
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta)
  }
}

/**
 * The run or activity a message is about, when the SDK says; the component is already in the prefix.
 * Some SDK messages carry live objects (its worker options at start, with their timers): a cycle is written
 * as "[Circular]" instead of throwing, which killed the worker from inside a log call.
 */
function details(meta: LogMetadata | undefined): string {
  if (meta === undefined) return ''
  const rest = Object.entries(meta).filter(([key]) => key !== 'sdkComponent')
  if (rest.length === 0) return ''
  const seen = new WeakSet<object>()
  return ` ${JSON.stringify(Object.fromEntries(rest), (_key, value: unknown) => {
    if (value instanceof Error) return value.message
    if (typeof value !== 'object' || value === null) return value
    if (seen.has(value)) return '[Circular]'
    seen.add(value)
    return value
  })}`
}

/** Our threshold as Core's: its messages below it are not even sent across to JavaScript. */
const CORE_LEVELS: Record<LogLevel, TemporalLevel> = { error: 'ERROR', warn: 'WARN', info: 'INFO', debug: 'DEBUG' }

/**
 * Sends Temporal's own logging through `log`: the SDK's messages, and the native Core's (forwarded, instead
 * of Core printing them to stderr). Must run once per process, before the first connection (the Runtime is
 * created then); a Runtime someone already installed (a test) is kept, and that is said.
 */
export function installRuntimeLogger(log: LogFn, threshold: LogLevel): void {
  const level = CORE_LEVELS[threshold]
  try {
    Runtime.install({
      logger: new RuntimeLogger(log, threshold),
      telemetryOptions: {
        logging: { forward: {}, filter: makeTelemetryFilterString({ core: level, other: level }) },
      },
    })
  } catch (e) {
    log('debug', `Temporal's Runtime was already installed; its logger stays as it is (${(e as Error).message})`)
  }
}
