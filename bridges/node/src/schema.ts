/**
 * zod schemas to JSON Schema, when a step is registered (the host checks payloads
 * against JSON Schema for every language). zod 4 schemas (`_zod`) use zod's own
 * converter; zod 3 schemas (`_def` + `safeParse`) use zod-to-json-schema. Anything else
 * is taken to be JSON Schema already and kept as it is.
 *
 * zod 4's converter comes from the project's own zod when the step file can resolve it
 * (the copy that built the schema, with its registry of descriptions), else from this
 * runtime's. The runtime's converters are required on first use: a project without zod
 * never pays the ~15 MB they take. From a checkout they are node_modules'; the bundled
 * runtime carries them in zod-json-schema.cjs (src/zod-converters.ts).
 */
import { createRequire } from 'node:module'

import type * as ZodCore from 'zod/v4/core'

import type * as Converters from './zod-converters.ts'

declare const STEPHOST_BUNDLED: string | undefined
const BUNDLED = typeof STEPHOST_BUNDLED !== 'undefined'
const requireHere = createRequire(import.meta.url) // (not `require`: loaded as CommonJS from a checkout)

type ToJsonSchema = typeof Converters.toJSONSchema
let own: typeof Converters | undefined

function runtimeConverters(): typeof Converters {
  if (own === undefined) {
    own = BUNDLED
      ? (requireHere('./zod-json-schema.cjs') as typeof Converters)
      : {
          toJSONSchema: (requireHere('zod/v4/core') as typeof Converters).toJSONSchema,
          zodToJsonSchema: (requireHere('zod-to-json-schema') as typeof Converters).zodToJsonSchema,
        }
  }
  return own
}

function projectToJsonSchema(file: string | undefined): ToJsonSchema | undefined {
  if (file === undefined) return undefined
  try {
    return (createRequire(file)('zod/v4/core') as typeof Converters).toJSONSchema
  } catch {
    return undefined
  }
}

/** `schema` as JSON Schema; `file` (the step file's path) finds the project's zod. */
export function toJsonSchema(schema: unknown, file?: string): unknown {
  if (typeof schema !== 'object' || schema === null) return schema
  if ('_zod' in schema) {
    const toJSONSchema = projectToJsonSchema(file) ?? runtimeConverters().toJSONSchema
    // io 'input': the schema of what a request or message may contain, before defaults.
    return toJSONSchema(schema as ZodCore.$ZodType, { io: 'input', unrepresentable: 'any' })
  }
  if ('_def' in schema && typeof (schema as { safeParse?: unknown }).safeParse === 'function') {
    const { zodToJsonSchema } = runtimeConverters()
    return zodToJsonSchema(schema as Parameters<typeof zodToJsonSchema>[0], { $refStrategy: 'none' })
  }
  return schema
}
