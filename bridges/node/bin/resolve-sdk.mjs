// ESM resolve hook (module.register): bare specifiers that always mean this runtime's own
// modules, whatever the project has installed: 'stephost' (the SDK), 'motia' (the
// compatibility entry for Motia steps) and, for test files, 'stephost/testing'.
// `data.modules` maps each specifier to a file URL. `data.fallbacks` names packages the
// runtime lends a project that has not installed them (zod, which Motia steps import);
// `data.parentURL` is where the runtime resolves them from.
let modules = {}
let fallbacks = new Set()
let parentURL = ''

export function initialize(data) {
  modules = data.modules
  fallbacks = new Set(data.fallbacks ?? [])
  parentURL = data.parentURL ?? ''
}

/** 'zod' of 'zod/v4/core', '@scope/pkg' of '@scope/pkg/sub'. */
function packageOf(specifier) {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

export async function resolve(specifier, context, next) {
  // The file URL goes on down the chain, so that tsx sees (and loads) a TypeScript file.
  if (Object.hasOwn(modules, specifier)) return next(modules[specifier], context)
  try {
    return await next(specifier, context)
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !fallbacks.has(packageOf(specifier))) throw error
    return next(specifier, { ...context, parentURL })
  }
}
