"""The wiki's APIs: MediaWiki's Action API (/w/api.php) and REST API (/w/rest.php/v1)."""
