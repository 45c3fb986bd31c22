// The `--import` entry of a project's node:test files: `stephost test` runs
//   node --import <this file> --test tests/**/*.test.{ts,mts,js,mjs,cjs}
// so TypeScript test files load through tsx, and 'stephost' and 'stephost/testing' (the
// test helper: startApp) mean this runtime's own modules, whatever the project has
// installed. node:test passes the flag on to the process it starts for each file.
import { registerLoaders } from './loaders.mjs'

registerLoaders({
  stephost: new URL('../src/sdk.ts', import.meta.url),
  motia: new URL('../src/motia-sdk.ts', import.meta.url),
  '@motiadev/core': new URL('../src/motia-sdk.ts', import.meta.url),
  'stephost/testing': new URL('../src/testing.ts', import.meta.url),
})
