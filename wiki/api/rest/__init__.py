"""MediaWiki's REST API at /w/rest.php/v1/."""
