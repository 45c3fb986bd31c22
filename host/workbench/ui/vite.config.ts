// Builds the Workbench into ../dist, which the host serves at /_stephost/ui/.
// `npm run dev` serves it with hot reload, talking to a host's admin listener on 127.0.0.1:3112.
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const host = process.env.STEPHOST_URL ?? 'http://127.0.0.1:3112'

export default defineConfig({
  base: '/_stephost/ui/',
  plugins: [react()],
  build: { outDir: '../dist', emptyOutDir: true, chunkSizeWarningLimit: 2500 },
  server: {
    proxy: {
      '/_stephost/live': { target: host.replace(/^http/, 'ws'), ws: true },
      '/_stephost/streams': { target: host, ws: true },
      '/_stephost': host,
      '/openapi.json': host,
    },
  },
})
