"""Imported by the workers' fork server when it starts: litellm is loaded and configured once there,
and every worker forked from it starts with it loaded. Importing this module is what it is for."""

import gc

from judgebench.judges.llm import warm_up

# litellm's import makes about a million objects that all live on; collecting garbage among them
# while they are made takes a quarter of the import's time. Frozen, later collections skip them too.
gc.disable()
try:
    warm_up()
finally:
    gc.freeze()
    gc.enable()
