import { config } from '@motiadev/core'
import statesPlugin from '@motiadev/plugin-states/plugin'

export default config({
  plugins: [statesPlugin],
  redis: { useMemoryServer: false, host: '127.0.0.1', port: 6379 },
})
