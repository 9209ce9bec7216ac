import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, Public, type Principal } from '@govx/access';

/** Where the built console lives: `public/` (HTML, CSS) and `dist/` (the compiled modules). */
export interface ConsoleOptions {
  readonly root: string;
}
export const CONSOLE_OPTIONS = Symbol('CONSOLE_OPTIONS');

/** apps/console, from libs/governance/{src,dist}/console/ (same depth in both). */
export const DEFAULT_CONSOLE_ROOT = fileURLToPath(
  new URL('../../../../apps/console/', import.meta.url),
);

const FILE_RE = /^[a-z0-9][a-z0-9-]{0,63}\.(js|css|html)$/;
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
};
// The page talks to governance (same origin) and to ledger nodes (any origin, GET only).
const CSP =
  "default-src 'self'; connect-src *; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface Reply {
  status(code: number): Reply;
  set(headers: Record<string, string>): Reply;
  send(body: Buffer): void;
}

/**
 * Serves the console SPA under /console/ (public: the HTML and scripts hold no data; every
 * data route keeps its own roles) and tells a signed-in page who it is.
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(@Inject(CONSOLE_OPTIONS) private readonly options: ConsoleOptions) {}

  /** The page itself at /console/ (query and hash stay as given: `?ledger=` names a node). */
  @Get()
  @Public()
  async index(@Res() res: Reply): Promise<void> {
    await this.send(res, join(this.options.root, 'public'), 'index.html');
  }

  /** The signed-in caller: name, roles, department (the page shows the pages it may use). */
  @Get('api/me')
  @Authenticated()
  me(@CurrentPrincipal() principal: Principal): object {
    return {
      name: principal.name,
      kind: principal.kind,
      roles: principal.roles,
      department: principal.department,
      actor: principal.actor,
    };
  }

  @Get('js/:file')
  @Public()
  async script(@Param('file') file: string, @Res() res: Reply): Promise<void> {
    await this.send(res, join(this.options.root, 'dist'), file, 'js');
  }

  @Get(':file')
  @Public()
  async asset(@Param('file') file: string, @Res() res: Reply): Promise<void> {
    await this.send(res, join(this.options.root, 'public'), file);
  }

  private async send(res: Reply, dir: string, file: string, only?: string): Promise<void> {
    const m = FILE_RE.exec(file);
    const ext = m?.[1];
    if (!ext || (only && ext !== only)) throw new NotFoundException(`no console file ${file}`);
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, file));
    } catch {
      throw new NotFoundException(`no console file ${file}`);
    }
    res
      .status(200)
      .set({
        'Content-Type': TYPES[ext]!,
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      })
      .send(bytes);
  }
}
