// vega and vega-lite ship as ES modules with top-level await, which `require` cannot load; this package
// compiles to CommonJS, where TypeScript turns `import()` into `require`. A dynamic import kept out of
// the compiler's sight stays a real import. Under test runners that evaluate modules themselves, such a
// function has no loader; there a `vm`-compiled import with Node's default loader (experimental in
// Node 20, hence only as the fallback) does the job.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { constants, runInThisContext } from 'node:vm';

type Importer = (specifier: string) => Promise<unknown>;

const plainImport = new Function('specifier', 'return import(specifier)') as Importer;
let vmImport: Importer | undefined;
const localRequire = createRequire(__filename);

async function dynamicImport(url: string): Promise<unknown> {
  try {
    return await plainImport(url);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw e;
    vmImport ??= runInThisContext('(specifier) => import(specifier)', { importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }) as Importer;
    return vmImport(url);
  }
}

/** Imports an ES module package by name, resolved from this package's own dependencies. */
export async function importEsm<T>(name: string): Promise<T> {
  return (await dynamicImport(pathToFileURL(localRequire.resolve(name)).href)) as T;
}
