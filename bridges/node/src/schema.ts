/**
 * zod schemas to JSON Schema, when a step is registered (the host checks payloads
 * against JSON Schema for every language). zod 4 schemas (`_zod`) use zod's own
 * converter; zod 3 schemas (`_def` + `safeParse`) use zod-to-json-schema. Anything else
 * is taken to be JSON Schema already and kept as it is.
 *
 * The converters are required on first use: a project without zod never pays the ~15 MB
 * they take.
 */
import { createRequire } from 'node:module'

import type * as ZodCore from 'zod/v4/core'
import type * as ZodToJsonSchema from 'zod-to-json-schema'

const require = createRequire(import.meta.url)

export function toJsonSchema(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return schema
  if ('_zod' in schema) {
    const { toJSONSchema } = require('zod/v4/core') as typeof ZodCore
    // io 'input': the schema of what a request or message may contain, before defaults.
    return toJSONSchema(schema as ZodCore.$ZodType, { io: 'input', unrepresentable: 'any' })
  }
  if ('_def' in schema && typeof (schema as { safeParse?: unknown }).safeParse === 'function') {
    const { zodToJsonSchema } = require('zod-to-json-schema') as typeof ZodToJsonSchema
    return zodToJsonSchema(schema as Parameters<typeof zodToJsonSchema>[0], { $refStrategy: 'none' })
  }
  return schema
}
