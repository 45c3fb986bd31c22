/**
 * The zod converters the runtime falls back on (src/schema.ts), as one module: the
 * bundled runtime builds this file into zod-json-schema.cjs, loaded on first use.
 */
export { toJSONSchema } from 'zod/v4/core'
export { zodToJsonSchema } from 'zod-to-json-schema'
