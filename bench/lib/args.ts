/** `--name value` from the command line as a number, else the default. */
export function numArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN
  return Number.isFinite(v) && v >= 0 ? v : fallback
}
