#!/usr/bin/env node
// The Node runtime process the host launches (`node bridges/node/bin/stephost-node.mjs`,
// or the bundled copy inside the installed package).
//
// Before anything else it makes TypeScript files loadable without a build step and the
// specifier 'stephost' mean this runtime's own SDK (src/sdk.ts), and 'motia' (or
// '@motiadev/core', which older Motia steps import) its Motia-compatibility entry
// (src/motia-sdk.ts), whatever the project has installed (see loaders.mjs); then it runs
// src/main.ts.
import { ownModule, registerLoaders } from './loaders.mjs'

registerLoaders({ stephost: ownModule('sdk'), motia: ownModule('motia-sdk'), '@motiadev/core': ownModule('motia-sdk') })

const { main } = await import('../src/main.ts')
await main()
