// Which module system a project's file belongs to, as Node decides it for JavaScript and
// as the loaders decide it for TypeScript: `.mjs`/`.mts` are ES modules, `.cjs`/`.cts`
// CommonJS, and a `.js`/`.ts` file is what the nearest package.json's `type` says
// (CommonJS without one). Shared by the ES module hooks (hooks.mjs) and the runtime's
// importer (loaders.mjs).
import { readFileSync } from 'node:fs'
import { dirname, extname, join } from 'node:path'

const packageTypes = new Map()

/** 'module' or 'commonjs', for the file at `path`. */
export function moduleFormat(path) {
  const extension = extname(path)
  if (extension === '.mjs' || extension === '.mts') return 'module'
  if (extension === '.cjs' || extension === '.cts') return 'commonjs'
  return packageType(dirname(path))
}

/** 'module' or 'commonjs', from the nearest package.json at or above `folder`. */
function packageType(folder) {
  const known = packageTypes.get(folder)
  if (known !== undefined) return known
  let type
  try {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'))
    type = manifest.type === 'module' ? 'module' : 'commonjs'
  } catch (error) {
    const parent = dirname(folder)
    type = error.code === 'ENOENT' && parent !== folder ? packageType(parent) : 'commonjs'
  }
  packageTypes.set(folder, type)
  return type
}
