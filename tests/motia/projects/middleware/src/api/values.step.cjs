// A CommonJS step resolves 'motia' and '@motiadev/core' (the same module) and 'zod' with no
// package installed in the project.
const motia = require('motia')
const core = require('@motiadev/core')
const { z } = require('zod')

exports.config = motia.defineConfig({ type: 'api', name: 'Values', method: 'GET', path: '/values', emits: [] })

exports.handler = async () => ({
  status: 200,
  body: { same: motia.defineConfig === core.defineConfig, parsed: z.string().parse('ok') },
})
