// ESM resolve hook (module.register): the specifier 'stephost' is this runtime's SDK.
let sdk = ''

export function initialize(data) {
  sdk = data.sdk
}

export function resolve(specifier, context, next) {
  if (specifier === 'stephost') return { url: sdk, shortCircuit: true }
  return next(specifier, context)
}
