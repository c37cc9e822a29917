import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { contentTypeOf } from '../../src-shared/media/mime-types'
import { HTTP_CSP } from '../../src-shared/security/content-security-policy'
import { decodePathSegment } from './http-util'

/** Serves the built renderer; unknown paths get index.html (client-side routes). */
export class StaticFiles {
  constructor(private readonly root: string) {}

  get available(): boolean {
    return existsSync(join(this.root, 'index.html'))
  }

  /** The file a path names, or index.html (client-side routes); a malformed path is a 400. */
  resolve(pathname: string): string {
    const rel = normalize(decodePathSegment(pathname)).replace(/^([/\\])+/, '')
    const candidate = join(this.root, rel)
    const inside = candidate === this.root || candidate.startsWith(this.root + sep)
    return inside && rel && existsSync(candidate) && statSync(candidate).isFile()
      ? candidate
      : join(this.root, 'index.html')
  }

  static isHtml(file: string): boolean {
    return extname(file) === '.html'
  }

  serve(file: string, res: ServerResponse): void {
    if (!existsSync(file)) {
      res.writeHead(503, { 'content-type': 'text/plain' })
      res.end('The UI is not built. Run `npm run build`.')
      return
    }
    const type = contentTypeOf(file)
    const isHtml = type.startsWith('text/html')
    const headers: Record<string, string> = {
      'content-type': type,
      'x-content-type-options': 'nosniff',
      'cache-control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
      ...(isHtml ? { 'content-security-policy': HTTP_CSP } : {}),
    }
    res.writeHead(200, headers)
    if (isHtml) res.end(readFileSync(file))
    else createReadStream(file).pipe(res)
  }
}
