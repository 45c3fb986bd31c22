// The `--import` entry of a project's node:test files: `stephost test` runs
//   node --import <this file> --test tests/**/*.test.{ts,mts,js,mjs,cjs}
// so TypeScript test files load without a build step, and 'stephost',
// 'stephost/testing' (the test helper: startApp) and 'motia' mean this runtime's own
// modules, whatever the project has installed. node:test passes the flag on to the
// process it starts for each file.
import { ownModule, registerLoaders } from './loaders.mjs'

const registerEsmHooks = registerLoaders({
  stephost: ownModule('sdk'),
  motia: ownModule('motia-sdk'),
  '@motiadev/core': ownModule('motia-sdk'),
  'stephost/testing': ownModule('testing'),
})
registerEsmHooks() // test files are ES modules as often as not
