// Evaluated before the generated stubs (see wire.ts): 64-bit integers decode as plain
// numbers instead of Long objects. Ids and Unix milliseconds stay far below 2^53, and a
// number costs no allocation per field. This is the runtime's own protobufjs copy, so a
// step that uses protobufjs from its project is not affected.
import protobuf from 'protobufjs/minimal.js'

protobuf.util.Long = null as unknown as typeof protobuf.util.Long
protobuf.configure()
