// A sample value for a JSON Schema, to pre-fill forms: defaults and examples first,
// then the first enum value, then something of the right type.
type Schema = Record<string, unknown>

export function sample(schema: unknown, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 6) return null
  const s = schema as Schema
  if ('default' in s) return s.default
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0]
  if ('const' in s) return s.const
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0]
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    const options = s[key]
    if (Array.isArray(options) && options.length > 0) return sample(options[0], depth + 1)
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type
  switch (type) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, unknown>
      const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : Object.keys(properties))
      const out: Record<string, unknown> = {}
      for (const [name, property] of Object.entries(properties)) {
        if (required.has(name)) out[name] = sample(property, depth + 1)
      }
      return out
    }
    case 'array':
      return s.items ? [sample(s.items, depth + 1)] : []
    case 'string':
      if (s.format === 'date-time') return new Date().toISOString()
      if (s.format === 'email') return 'someone@example.com'
      return typeof s.minLength === 'number' && s.minLength > 6 ? 'x'.repeat(s.minLength) : 'string'
    case 'integer':
      return typeof s.minimum === 'number' ? Math.max(s.minimum, 1) : 1
    case 'number':
      return typeof s.minimum === 'number' ? Math.max(s.minimum, 1) : 1
    case 'boolean':
      return true
    default:
      return s.properties ? sample({ ...s, type: 'object' }, depth + 1) : null
  }
}
