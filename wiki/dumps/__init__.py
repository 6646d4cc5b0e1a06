"""MediaWiki's XML export format: export (Special:Export, `flask export`), import (Special:Import,
`flask import`), and the conversion of imported wikitext to this wiki's Markdown."""
