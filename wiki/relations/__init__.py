"""The relations domain: countries, titles of country pairs, locator maps."""
