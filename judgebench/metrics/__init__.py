"""Pure statistics: arrays in, numbers out; no I/O."""
