export const config = { type: 'api', name: 'Broken', method: 'GET', path: '/broken', emits: [] }
export const handler = async ( => ({ status: 200 })
