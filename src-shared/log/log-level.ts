/**
 * The one set of log levels for main, the worker and Temporal's own Runtime: a line is kept when its
 * level is at or above the threshold (default info; COMFYFLEET_LOG_LEVEL=debug shows everything).
 */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export type LogFn = (level: LogLevel, message: string) => void

export const DEFAULT_LOG_LEVEL: LogLevel = 'info'
export const LOG_LEVEL_ENV = 'COMFYFLEET_LOG_LEVEL'

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value)
}

/** The threshold named by COMFYFLEET_LOG_LEVEL (unset or empty: info); a misspelt level is an error naming it. */
export function logThreshold(envValue: string | undefined): LogLevel {
  const value = envValue?.trim().toLowerCase()
  if (value === undefined || value === '') return DEFAULT_LOG_LEVEL
  if (isLogLevel(value)) return value
  throw new Error(`${LOG_LEVEL_ENV} must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(envValue)}`)
}

/** Whether a line at `level` is kept under `threshold` (error is always kept). */
export function passes(level: LogLevel, threshold: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(threshold)
}

// CSI sequences (colours, cursor moves) and OSC sequences (titles, links) as child processes print them.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g

/** Text without terminal escape codes: a log file is read in an editor, not a terminal. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '')
}

/** `log`, keeping only the lines at or above `threshold` (so a debug line is not even sent to main). */
export function withThreshold(log: LogFn, threshold: LogLevel): LogFn {
  return (level, message) => {
    if (passes(level, threshold)) log(level, message)
  }
}
