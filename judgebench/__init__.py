"""judgebench: can I trust this LLM judge?"""

__version__ = "0.1.0"
