/** Opaque keyset cursors for history pages: base64url of `[runSeq, outputId]`, the page order's key. */

export class InvalidHistoryQueryError extends Error {
  readonly code = 'history/invalid-query'
  constructor(message: string) {
    super(message)
    this.name = 'InvalidHistoryQueryError'
  }
}

/** Position in the history order: the run's insertion sequence, then the output's id. */
export interface HistoryKey {
  runSeq: number
  id: number
}

export function encodeCursor(key: HistoryKey): string {
  return Buffer.from(JSON.stringify([key.runSeq, key.id])).toString('base64url')
}

/** @throws InvalidHistoryQueryError when the cursor was not made by {@link encodeCursor}. */
export function decodeCursor(cursor: string): HistoryKey {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    parsed = null
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !Number.isSafeInteger(parsed[0]) ||
    !Number.isSafeInteger(parsed[1])
  ) {
    throw new InvalidHistoryQueryError(
      `History cursor ${JSON.stringify(cursor.slice(0, 40))} is not one this app issued.`
    )
  }
  return { runSeq: parsed[0] as number, id: parsed[1] as number }
}
