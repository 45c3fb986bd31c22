// An ES module step imports a value from 'motia' (not only types, which are erased).
import { defineConfig } from 'motia'

export const config = defineConfig({ type: 'api', name: 'EsmValues', method: 'GET', path: '/esm-values', emits: [] })

export const handler = async () => ({ status: 200, body: { defineConfig: typeof defineConfig } })
