"""`judgebench serve`: the web pages."""
