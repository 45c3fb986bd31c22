// ESM resolve hook (module.register): bare specifiers that always mean this runtime's own
// modules, whatever the project has installed: 'stephost' (the SDK) and, for test files,
// 'stephost/testing'. `data.modules` maps each specifier to a file URL.
let modules = {}

export function initialize(data) {
  modules = data.modules
}

export function resolve(specifier, context, next) {
  // The file URL goes on down the chain, so that tsx sees (and loads) a TypeScript file.
  return next(Object.hasOwn(modules, specifier) ? modules[specifier] : specifier, context)
}
