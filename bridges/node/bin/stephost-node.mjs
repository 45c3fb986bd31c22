#!/usr/bin/env node
// The Node runtime process the host launches (`node bridges/node/bin/stephost-node.mjs`).
//
// Before anything else it makes TypeScript files loadable without a build step and the
// specifier 'stephost' mean this runtime's own SDK (src/sdk.ts), and 'motia' (or
// '@motiadev/core', which older Motia steps import) its Motia-compatibility entry
// (src/motia-sdk.ts), whatever the project has installed (see loaders.mjs); then it runs
// src/main.ts.
import { registerLoaders } from './loaders.mjs'

registerLoaders({
  stephost: new URL('../src/sdk.ts', import.meta.url),
  motia: new URL('../src/motia-sdk.ts', import.meta.url),
  '@motiadev/core': new URL('../src/motia-sdk.ts', import.meta.url),
})

const { main } = await import('../src/main.ts')
await main()
