// ES module hooks (module.register; they run on Node's hooks thread):
//   - resolve: the bare specifiers that always mean this runtime's own modules
//     ('stephost', 'motia' and '@motiadev/core', and 'stephost/testing' for test files),
//     whatever the project has installed; the packages the runtime lends a project that
//     has not installed them (loaders.mjs LENT: zod); and, from a TypeScript file,
//     `./x.js` meaning `./x.ts` and extensionless `./x` (as tsc resolves them);
//   - load: TypeScript files, as formats.mjs says they are: ES modules are transformed
//     here; CommonJS goes to Node's CommonJS loader, where the require hook of
//     loaders.mjs transforms it.
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'

import { moduleFormat } from './formats.mjs'
import { TS_EXTENSIONS, transformTypeScript } from './transform.mjs'

let modules = {}
let lent = {}

/** `data.modules` and `data.lent`: specifier -> file URL. */
export function initialize(data) {
  modules = data.modules
  lent = data.lent
}

export async function resolve(specifier, context, next) {
  if (Object.hasOwn(modules, specifier)) return { url: modules[specifier], shortCircuit: true }
  try {
    return await next(specifier, context)
  } catch (error) {
    if (Object.hasOwn(lent, specifier) && error?.code === 'ERR_MODULE_NOT_FOUND') {
      return { url: lent[specifier], shortCircuit: true }
    }
    const parent = context.parentURL
    if (!isRelative(specifier) || !parent?.startsWith('file:') || !TS_EXTENSIONS.has(extname(new URL(parent).pathname))) {
      throw error
    }
    for (const candidate of typeScriptCandidates(specifier)) {
      try {
        return await next(candidate, context)
      } catch {
        // try the next spelling
      }
    }
    throw error
  }
}

export async function load(url, context, next) {
  if (!url.startsWith('file:')) return next(url, context)
  const path = fileURLToPath(url)
  const extension = extname(path)
  if (!TS_EXTENSIONS.has(extension)) return next(url, context)
  const format = moduleFormat(path)
  if (format === 'commonjs') return { format, shortCircuit: true }
  const source = transformTypeScript(await readFile(path, 'utf8'), path, 'esm')
  return { format, source, shortCircuit: true }
}

function isRelative(specifier) {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('file:')
}

function typeScriptCandidates(specifier) {
  const swapped = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' }[extname(specifier)]
  if (swapped !== undefined) return [specifier.slice(0, -extname(specifier).length) + swapped]
  if (extname(specifier) !== '') return []
  const bare = specifier.replace(/\/$/, '')
  return [`${bare}.ts`, `${bare}/index.ts`, `${bare}.js`, `${bare}/index.js`]
}
