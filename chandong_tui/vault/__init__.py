"""Storage: crypto, op log and HLC, merge, the encrypted TinyDB cache, keyring. No Textual."""
