// Preloaded into the Node runtime by the Motia template tests (NODE_OPTIONS=--import):
// fetch() calls to the tutorial's pet store (PETSTORE_HOST) go to the local stand-in
// at PETSTORE_URL instead. See ../petstore.py.
const target = process.env.PETSTORE_URL
const host = process.env.PETSTORE_HOST
const original = globalThis.fetch

globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input))
  if (!target || url.hostname !== host) return original(input, init)
  return original(new URL(url.pathname + url.search, target), init)
}
