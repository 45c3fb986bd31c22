"""Generated from proto/stephost/v1 by scripts/gen_proto.py. Do not edit."""
