"""MediaWiki's Action API at /w/api.php: declared modules, parameter parsing, the answer envelope
in formatversion 1 and 2, and the modules themselves (query, login, edit, parse, ...)."""
