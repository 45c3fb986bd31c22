// ESM resolve hook (module.register): bare specifiers that always mean this runtime's own
// modules, whatever the project has installed: 'stephost' (the SDK) and, for test files,
// 'stephost/testing'. `data.modules` maps each specifier to a file URL.
let modules = {}

export function initialize(data) {
  modules = data.modules
}

export function resolve(specifier, context, next) {
  if (Object.hasOwn(modules, specifier)) return { url: modules[specifier], shortCircuit: true }
  return next(specifier, context)
}
