/**
 * The output/, input/ and temp/ folders of one server, with ComfyUI's path rules
 * (folder_paths.get_save_image_path, annotated_filepath, get_directory_by_type).
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, normalize, resolve, sep } from 'node:path'
import { pngSize } from '../media/png'

export type FolderType = 'output' | 'input' | 'temp'

/** A file reference as ComfyUI's UI outputs carry it. */
export interface FileRef {
  filename: string
  subfolder: string
  type: FolderType
}

/** Raised where ComfyUI raises a plain Exception (e.g. saving outside the output folder). */
export class SaveError extends Error {}

export class FileStore {
  readonly output: string
  readonly input: string
  readonly temp: string
  /** Next counter per "<folder>\0<prefix>", seeded from a directory scan on first use. */
  private readonly counters = new Map<string, number>()

  constructor(readonly root: string) {
    this.output = resolve(root, 'output')
    this.input = resolve(root, 'input')
    this.temp = resolve(root, 'temp')
    for (const d of [this.output, this.input, this.temp]) mkdirSync(d, { recursive: true })
  }

  /** cleanup_temp at start-up: the temp folder is wiped. */
  wipeTemp(): void {
    rmSync(this.temp, { recursive: true, force: true })
    mkdirSync(this.temp, { recursive: true })
    this.counters.clear()
  }

  dirOf(type: string): string | null {
    if (type === 'output') return this.output
    if (type === 'input') return this.input
    if (type === 'temp') return this.temp
    return null
  }

  /** folder_paths.annotated_filepath: "name [output]" picks a folder. */
  annotated(name: string): { name: string; dir: string | null } {
    if (name.endsWith('[output]')) return { name: name.slice(0, -9), dir: this.output }
    if (name.endsWith('[input]')) return { name: name.slice(0, -8), dir: this.input }
    if (name.endsWith('[temp]')) return { name: name.slice(0, -7), dir: this.temp }
    return { name, dir: null }
  }

  /** folder_paths.get_annotated_filepath (default folder: input). */
  annotatedPath(name: string): string {
    const a = this.annotated(name)
    return join(a.dir ?? this.input, a.name)
  }

  /** LoadImage VALIDATE_INPUTS: exists_annotated_filepath. */
  inputExists(name: string): boolean {
    return existsSync(this.annotatedPath(name))
  }

  /** Files directly in input/, sorted (LoadImage's combo list). */
  inputFiles(): string[] {
    try {
      return readdirSync(this.input, { withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => d.name)
        .sort()
    } catch {
      return []
    }
  }

  /** Size and sha256 of an input image (LoadImage IS_CHANGED is the sha256 of the file). */
  probeInput(name: string): { width: number; height: number; hash: string } | null {
    try {
      const bytes = readFileSync(this.annotatedPath(name))
      const size = pngSize(bytes) ?? { width: 512, height: 512 }
      return { ...size, hash: createHash('sha256').update(bytes).digest('hex') }
    } catch {
      return null
    }
  }

  /**
   * get_save_image_path: resolve prefix variables and subfolder, refuse paths outside the folder,
   * and return the first free counter (one more than the highest existing for that prefix).
   */
  saveTarget(prefix: string, type: 'output' | 'temp', width: number, height: number) {
    const base = type === 'output' ? this.output : this.temp
    const expanded = prefix.includes('%') ? computeVars(prefix, width, height) : prefix
    const norm = normalize(expanded)
    const sub = dirname(norm) === '.' ? '' : dirname(norm)
    const filename = basename(norm)
    const folder = resolve(base, sub)
    if (folder !== base && !folder.startsWith(base + sep)) {
      throw new SaveError(
        `**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: ${folder}\n         output_dir: ${base}\n         commonpath: ${commonPath(base, folder)}`
      )
    }
    const key = `${folder}\u0000${filename}`
    let counter = this.counters.get(key)
    if (counter === undefined) {
      mkdirSync(folder, { recursive: true })
      counter = scanCounter(folder, filename) + 1
    }
    return { folder, filename, subfolder: sub, counter, key }
  }

  /** Remember that files up to `last` were written for this target. */
  commitCounter(key: string, next: number): void {
    this.counters.set(key, next)
  }

  /** Write a file (used by saves). */
  write(path: string, data: Buffer): void {
    writeFileSync(path, data)
  }

  /** Forget counter caches (after a restart files may have changed). */
  resetCounters(): void {
    this.counters.clear()
  }

  /** Is `p` a regular file? */
  isFile(p: string): boolean {
    try {
      return statSync(p).isFile()
    } catch {
      return false
    }
  }
}

function computeVars(input: string, width: number, height: number): string {
  const now = new Date()
  const pad = (n: number): string => n.toString().padStart(2, '0')
  return input
    .replaceAll('%width%', String(width))
    .replaceAll('%height%', String(height))
    .replaceAll('%year%', String(now.getFullYear()))
    .replaceAll('%month%', pad(now.getMonth() + 1))
    .replaceAll('%day%', pad(now.getDate()))
    .replaceAll('%hour%', pad(now.getHours()))
    .replaceAll('%minute%', pad(now.getMinutes()))
    .replaceAll('%second%', pad(now.getSeconds()))
}

function commonPath(a: string, b: string): string {
  const pa = a.split(sep)
  const pb = b.split(sep)
  const out: string[] = []
  for (let i = 0; i < Math.min(pa.length, pb.length) && pa[i] === pb[i]; i++) out.push(pa[i] ?? '')
  return out.join(sep) || sep
}

/** Highest existing counter for `<filename>_<digits>_…` in folder (0 if none). */
function scanCounter(folder: string, filename: string): number {
  let max = 0
  const prefixLen = filename.length
  for (const f of readdirSync(folder)) {
    const prefix = f.slice(0, prefixLen + 1)
    if (prefix.slice(0, -1).toLowerCase() !== filename.toLowerCase() || prefix.slice(-1) !== '_') continue
    const digits = Number.parseInt(f.slice(prefixLen + 1).split('_')[0] ?? '', 10)
    if (Number.isFinite(digits) && /^\d+$/.test(f.slice(prefixLen + 1).split('_')[0] ?? '')) max = Math.max(max, digits)
  }
  return max
}
