/**
 * zod schemas to JSON Schema, when a step is registered (the host checks payloads
 * against JSON Schema for every language). zod 4 schemas (`_zod`) use zod's own
 * converter; zod 3 schemas (`_def` + `safeParse`) use zod-to-json-schema. Anything else
 * is taken to be JSON Schema already and kept as it is.
 */
import { toJSONSchema } from 'zod/v4/core'
import type { $ZodType } from 'zod/v4/core'
import { zodToJsonSchema } from 'zod-to-json-schema'

export function toJsonSchema(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return schema
  if ('_zod' in schema) {
    // io 'input': the schema of what a request or message may contain, before defaults.
    return toJSONSchema(schema as $ZodType, { io: 'input', unrepresentable: 'any' })
  }
  if ('_def' in schema && typeof (schema as { safeParse?: unknown }).safeParse === 'function') {
    return zodToJsonSchema(schema as Parameters<typeof zodToJsonSchema>[0], { $refStrategy: 'none' })
  }
  return schema
}
