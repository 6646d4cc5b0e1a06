"""The wiki's APIs: MediaWiki's Action API and REST API."""
