/** Saves a Blob under a file name via a temporary link (works in Electron and browsers). */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Revoke later: some engines start reading the blob only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Saves a value as pretty JSON. */
export function downloadJson(value: unknown, filename: string): void {
  downloadBlob(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }), filename)
}

/** Downloads a URL's bytes unchanged (PNG metadata chunks survive). */
export async function downloadUrl(url: string, filename: string): Promise<void> {
  const res = await fetch(url, { credentials: 'same-origin' })
  if (!res.ok) throw new Error(`Download failed: HTTP ${res.status}`)
  downloadBlob(await res.blob(), filename)
}

/** A file-system-safe name fragment. */
export function safeName(s: string): string {
  return s.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'run'
}
