"""`stephost gen`: typed stubs from the project's .proto files and step configs.

model.py       what a generator gets: every step's payload types, the descriptors
probe.py       step configs, read by starting the project's runtimes briefly
walk.py        what every generator walks (descriptors, JSON Schemas) and the names
               it gives things: written once, shared
python.py      Python: protoc classes (+ .pyi) and stephost_types.py (TypedDicts,
               per-step request/context protocols, handler aliases)
typescript.py  TypeScript: ts-proto interfaces and handlers.ts
ruby.py        Ruby: message classes (from the descriptors, loadable on google-protobuf
               3.21) and stephost_types.rb
motia.py       a Motia project's types.d.ts (Handlers, FlowContextStateStreams of 'motia')
breaking.py    field number / type changes against the previous generation
run.py         runs the generators; writes the output folders, or checks them
"""
