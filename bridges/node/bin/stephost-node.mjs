#!/usr/bin/env node
// The Node runtime process the host launches (`node bridges/node/bin/stephost-node.mjs`,
// or the bundled copy inside the installed package).
//
// Before anything else it makes TypeScript files loadable without a build step and the
// specifier 'stephost' mean this runtime's own SDK (src/sdk.ts), and 'motia' (or
// '@motiadev/core', which older Motia steps import) its Motia-compatibility entry
// (src/motia-sdk.ts), whatever the project has installed (see loaders.mjs); then it runs
// src/main.ts. Node's ES module hooks (a thread of their own) start only when a project
// file is an ES module: src/main.ts is loaded as CommonJS from a checkout, and the bundle
// is plain JavaScript.
import { createRequire } from 'node:module'

import { ownModule, projectImporter, registerLoaders } from './loaders.mjs'

/* global STEPHOST_BUNDLED */
const BUNDLED = typeof STEPHOST_BUNDLED !== 'undefined'

const registerEsmHooks = registerLoaders({ stephost: ownModule('sdk'), motia: ownModule('motia-sdk'), '@motiadev/core': ownModule('motia-sdk') })

// Bundled, esbuild follows the import(); from a checkout, require loads the TypeScript (the
// path is a variable so that esbuild leaves that require alone).
const MAIN = '../src/main.ts'
const { main } = BUNDLED ? await import('../src/main.ts') : createRequire(import.meta.url)(MAIN)
await main(projectImporter(registerEsmHooks))
